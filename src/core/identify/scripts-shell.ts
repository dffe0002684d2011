// Content rules for Windows scripting: VBScript, PowerShell, batch, AutoIt. PowerShell and batch
// overlap heavily (batch files often launch PowerShell), so the rules look for what each language
// has that the other lacks, as Assemblyline does.
import type { ScriptContext } from './script-context.js';
import { FUNCTION_DECLARATION, isJavascript } from './scripts-web.js';

// VBScript / VBA.
const PS_HERE_STRING = /[ \t]=[ \t]@'\r?\n/;
const VB_STRONG = [
  /(?:^|\n)On[ \t]+Error[ \t]+Resume[ \t]+Next/i,
  // Sub/Function declarations; parameters separated by commas so the pattern cannot backtrack badly.
  /(?:^|\n|\()[ \t]*(?:(?:Private|Public)[ \t]+)?(?:Sub|Function)[ \t]+\w+[ \t]*\([ \t]*(?:(?:By(?:Val|Ref)[ \t]+)?\w+(?:[ \t]+As[ \t]+\w+)?(?:[ \t]*,[ \t]*(?:By(?:Val|Ref)[ \t]+)?\w+(?:[ \t]+As[ \t]+\w+)?)*)?[ \t]*\)[ \t]*(?:\r?\n|\)|$)/i,
  /(?:^|\n|:)[ \t]*End[ \t]+(?:Module|Function|Sub|If)(?:$|\s)/i,
  '\nExecuteGlobal',
  /(?:^|\n|:)(?:Attribute|Set|const)[ \t]+\w+[ \t]+=/i,
  /(?:^|\n)[ \t]*Err\.Raise[ \t]+\d+(?:,[ \t]+"[^"\n]+")+/i,
  /[ \t(=]replace\(/i,
  /CreateObject\(/i,
  /GetObject\(/i,
  /\nEval\(/i,
  /(?:^|\n|:)[ \t]*Execute[( \t]/i,
  /\nMsgBox "/i,
  /[ \t(=]Array\(/i,
  /& Chr\(/i,
];
const VB_WEAK = [/"Scripting\.FileSystemObject"/i, /\.OpenAsTextStream\(/i, /\.CreateTextFile/i];
const VB_DIM = /\bDim[ \t]+\w+[ \t]*[\r\n:,]/i;

export function isVbs(c: ScriptContext): boolean {
  if (isJavascript(c) || c.has(PS_HERE_STRING)) return false;
  const strong = c.matching(VB_STRONG, 2);
  if (strong >= 2) return true;
  return strong === 1 && (c.count(VB_DIM) > 1 || c.nOf(2, VB_WEAK));
}

// PowerShell. Cmdlet names are matched by one alternation and counted by distinct name.
const CMDLETS =
  'IWR|Add-MpPreference|Add-Type|Start-BitsTransfer|Start-Sleep|Start-Process|Get-ExecutionPolicy|Get-Service|' +
  'Get-Process|Get-Counter|Get-WinEvent|Get-ChildItem|Get-Variable|Get-Item|Get-WmiObject|Where-Object|' +
  'ConvertTo-HTML|Select-Object|Clear-History|Clear-Content|ForEach-Object|Compare-Object|New-ItemProperty|' +
  'New-Object|New-WebServiceProxy|Set-Alias|Set-Location|Set-Item|Set-ItemProperty|Set-StringMode|Wait-Job|' +
  'Test-Path|Rename-Item|Stop-Process|Out-String|Write-Error|Invoke-Expression|Invoke-WebRequest|Copy-Item|' +
  'Import-Module|Expand-Archive';
const CMDLET = new RegExp(`(?<![\\w-])(?:${CMDLETS})(?![\\w-])`, 'i');
const CMDLET_FIRST_LINE = new RegExp(`^[^\\n]*(?:${CMDLETS})\\b`, 'i');
const PS_STRONG = [
  /(?:-ExclusionPath|-memberDefinition|-Name|-namespace|-passthru|-command|-TypeName|-join|-split|-sou|-dest|-property|-OutF(?:ile)?|-ExecutionPolicy Bypass|-uri|-AllowStartIfOnBatteries|-MultipleInstances|-TaskName|-Trigger)\b/i,
  /(?:\.Get(?:String|Field|Type|Method)|FromBase64String)\(/i,
  /System\.Net\.WebClient/i,
  /Net\.ServicePointManager/i,
  /Net\.SecurityProtocolType/i,
  /\[(?:System\.)?Text\.Encoding\]::UTF8/i,
  /\[(?:System\.)?Convert\]::ToInt32/i,
  /\[(?:System\.)?String\]::Join\(/i,
  /\[byte\[\]\][ \t]*\$\w+[ \t]*=/i,
  /\[Microsoft\.VisualBasic\.(?:Interaction|CallType)\]/i,
  /[ \t;\n]foreach[ \t]*\([ \t]*\$\w+[ \t]+in[ \t]+[^)]+\)[ \t;\n]*\{/i,
  /\[char\][ \t]*(?:\d\d|0x[0-9a-f]{1,2})/i,
  /\|[ \t]*iex\b/i,
  /\$PSHOME/i,
];
// `$name = value` ended by ';', '|' or a newline. The value runs up to the first terminator, so
// any terminator after the start of the value will do; checking that directly avoids a regular
// expression that backtracks over every unterminated value.
const PS_ASSIGNMENT_START = /\$\w+[ \t]*=[ \t]*[^;\n|]/;
const TERMINATOR = /[;\n|]/g;
function psAssignment(text: string): number {
  const m = PS_ASSIGNMENT_START.exec(text);
  if (!m) return -1;
  TERMINATOR.lastIndex = m.index + m[0].length;
  return TERMINATOR.test(text) ? m.index : -1;
}
const PS_WEAK = [
  psAssignment,
  /\s-[ic]?(?:eq|ne|gt|ge|lt|le)\s/,
  /\s-[ic]?(?:like|notlike|match|notmatch)\s/,
  /\s-[ic]?replace\s/,
  /\s-[ic]?(?:contains|notcontains|in|notin)\s/,
  /\s-[ic]?(?:is|isnot)\s/,
  /[\s(]-not\s/,
  /\s-(?:and|or|xor)\s/,
  FUNCTION_DECLARATION,
];

function psStrong(c: ScriptContext, need: number): number {
  const cmdlets = c.distinct(CMDLET, need);
  return cmdlets >= need ? cmdlets : cmdlets + c.matching(PS_STRONG, need - cmdlets);
}

export function isPowershell(c: ScriptContext): boolean {
  return c.once('ps1', () => {
    if (c.isText) {
      const strong = psStrong(c, 3);
      return strong >= 2 || strong + c.matching(PS_WEAK, 3 - strong) >= 3;
    }
    return c.isBinary && psStrong(c, 3) >= 3;
  });
}

// Batch launchers hide "powershell" behind carets and empty %variables%; strip those first.
const CARET_OR_VAR = /\^|%[^%\n]{0,100}%/g;
const POWERSHELL_WORD = /(?:^|\n|@|&|\b)powershell(?:\.exe)?\b/i;

function firstLine(c: ScriptContext): string {
  const nl = c.text.indexOf('\n');
  return nl < 0 ? c.text : c.text.slice(0, nl);
}

function mentionsPowershell(text: string): boolean {
  return POWERSHELL_WORD.test(text.replace(CARET_OR_VAR, ''));
}

/** A PowerShell script whose first line already runs a cmdlet (rather than launching powershell). */
export function isPowershellFirstLine(c: ScriptContext): boolean {
  if (!isPowershell(c)) return false;
  const line = firstLine(c);
  return CMDLET_FIRST_LINE.test(line) && !mentionsPowershell(line);
}

export function isPowershellSmall(c: ScriptContext): boolean {
  return c.size < 12288 && /^powershell\b/i.test(c.text);
}

// Batch.
const BAT_SUBSTRING = /%[^:\n\r%]+:~[ \t]*[-+]?\d{1,3},[ \t]*[-+]?\d{1,3}%/;
const BAT_VAR_CHAIN = /%%\w{1,500}%(?:%\w{1,500}%){4,30}/;
const PS_COMMAND_SWITCH = /(?:-c|-command)(?:\^|%[^%\n]{0,100}%)?[ \t]/i;
const BAT_COMMANDS = [
  /(?:^|\n|@|&)echo[ \t]{1,10}(?:%\w+%|\w+)/i,
  /(?:^|\n|@|&)(?:netsh|goto|pkgmgr|netstat|taskkill|vssadmin|tasklist|schtasks|copy)[ \t]\/?\w+/i,
  /(?:^|\n|@|&)net[ \t]+(?:share|stop|start|accounts|computer|config|continue|file|group|localgroup|pause|session|statistics|time|use|user|view)/i,
  /(?:^|\n|@|&)reg[ \t]+(?:delete|query|add|copy|save|load|unload|restore|compare|export|import|flags)[ \t]+/i,
  /(?:^|\n|@|&)\s?start[ \t]+(?:\/(?:min|b|wait|belownormal|abovenormal|realtime|high|normal|low|shared|seperate|max|i)[ \t]+|"\w*"[ \t]+)+["']?(?:[A-Z]:)?[\\|/]?[\w.]/i,
  /(?:^|\n|@|&)%comspec%/i,
  /(?:^|\n|@|&)timeout[ \t](?:\/\w+|-?\d{1,5})/i,
  /(?:^|\n|@|&)for[ \t]\/f[ \t]/i,
];
const BAT_EXIT = /(?:^|\n)exit\s*$/i;
const BAT_REM = /(?:^|\n|@|&)\^?r\^?e\^?m\^?[ \t]\^?\w+/i;
const BAT_LABEL_COMMENT = /(?:^|\n)::/;
const BAT_SET = /(?:^|\n|@|&)\^?s\^?e\^?t\^?[ \t]\^?["']?\w+\^?=\^?%?\^?\w+/i;
const BAT_SETLOCAL = /setlocal[ \t](?:enable|disable)(?:DelayedExpansion|Extensions)/i;

function batchCommandKinds(c: ScriptContext): number {
  return c.matching(BAT_COMMANDS) + (c.atEnd(BAT_EXIT) ? 1 : 0);
}

function batchCommandRepeated(c: ScriptContext, more: number): boolean {
  return BAT_COMMANDS.some((p) => c.count(p) > more);
}

function remOrSet(c: ScriptContext): number {
  return c.count(BAT_REM) + c.count(BAT_LABEL_COMMENT) + c.count(BAT_SET);
}

export function isBatch(c: ScriptContext): boolean {
  const textual = c.isText || c.wide || /^(?:netsh|goto|pkgmgr|netstat|taskkill|vssadmin|tasklist|schtasks|copy)[ \t]\/?\w/i.test(c.text);
  if (textual) {
    if (c.count(BAT_SUBSTRING) > 3) return true;
    const kinds = batchCommandKinds(c);
    const power = kinds > 0 || c.has(PS_COMMAND_SWITCH) ? mentionsPowershell(c.text) : false;
    if (power && kinds > 0) return true;
    if (power && c.has(PS_COMMAND_SWITCH) && (c.has(BAT_REM) || c.has(BAT_LABEL_COMMENT))) return true;
    if (batchCommandRepeated(c, 3) || c.has(BAT_SETLOCAL)) return true;
    if (kinds >= 2 && remOrSet(c) > 4) return true;
  } else if (c.isBinary) {
    if (batchCommandRepeated(c, 20)) return true;
    if (batchCommandKinds(c) >= 2 && remOrSet(c) > 20) return true;
  }
  const chains = c.count(BAT_VAR_CHAIN);
  if (chains > 3 && batchCommandKinds(c) > 0 && remOrSet(c) > 4) return true;
  return chains > 10 && c.count(BAT_SET) > 30;
}

const BAT_SMALL = [
  /(?:^|\n|@|&| )\^?s\^?t\^?a\^?r\^?t\^?[ \t]+(?:\/(?:min|b|wait|belownormal|abovenormal|realtime|high|normal|low|shared|seperate|max|i)[ \t]+|"\w*"[ \t]+)*["']?(?:[A-Z]:)?[\\|/]?[\w.]/i,
  BAT_SUBSTRING,
  /(?:^|\n|@|&| )\^?f\^?i\^?n\^?d\^?s\^?t\^?r\^?[ \t]+"[^"]+"[ \t]+(?:"[^"]+"|[^[ \t]+)[ \t]+>[ \t]+[^[ \t\n]+/i,
  /(?:^|[\n "])(?:[a-zA-Z]:)?\.?[\\/][^\n"]*?\.(?:exe|bat|cmd|ps1)\b/i,
  /(?:^|\n| )[\w.]+\.(?:exe|bat|cmd|ps1)(?: [-/"]?[^ \n]+)+ *(?:$|\n)/i,
  /(?:^|\n|@|&| )(?:timeout|taskkill|tasklist|vssadmin|schtasks)(?: (?:[/"]?[\w.:\\/]"?|&)+)+/i,
];

/** Short files with a batch idiom or two; only wins when nothing else matched. */
export function isBatchSmall(c: ScriptContext): boolean {
  if (!(c.isText || c.wide) || c.size >= 512) return false;
  return c.nOf(1, BAT_SMALL) || c.count(BAT_REM) + c.count(BAT_SET) > 4;
}

// AutoIt: compiled scripts carry markers; sources are recognised by keywords and function names.
const A3X_MARKERS = [
  '#OnAutoItStartRegister', '#pragma compile', '/AutoIt3ExecuteLine', '/AutoIt3ExecuteScript',
  '/AutoIt3OutputDebug', '>>>AUTOIT SCRIPT<<<', '>>>AUTOIT NO CMDEXECUTE<<<',
  'This is a third-party compiled AutoIt script.', 'AU3!EA06', 'AutoIt v3', 'AU3_GetPluginDetails', 'AU3!EA05',
  'AutoIt script files (*.au3, *.a3x)',
];

export function isA3x(c: ScriptContext): boolean {
  return !c.text.startsWith('MZ') && c.nOf(1, A3X_MARKERS);
}

const AU3_KEYWORDS = /(?:ExitLoop|EndFunc|#comments-start|#include-once|#NoTrayIcon|#OnAutoItStartRegister|#pragma|#RequireAdmin|EndWith|EndSwitch)\b/i;
const AU3_STRONG_FUNCS =
  /\b(?:WinExists|DllCall|DllStruct(?:SetData|GetSize|GetData|Create|GetPtr)|DllCallbackGetPtr|DllCallAddress|StringInStr|StringLeft|StringStripWS|DllCallbackRegister|Adlib(?:Un)?Register|AutoItSetOption|AutoItWin(?:Get|Set)Title|DllCallbackFree|IniReadSection(?:Names)?|IniRenameSection|IniWriteSection|MouseClickDrag|MouseGetCursor|ObjCreateInterface|OnAutoItExit(?:Un)?Register|PixelChecksum|PixelGetColor|ProcessExists|ProcessGetStats|ProcessSetPriority|ProcessWaitClose|SendKeepActive|ShellExecuteWait|SoundSetWaveVolume|SplashImageOn|StatusbarGetText|StringCompare|StringFromASCIIArray|TCPCloseSocket|UDPCloseSocket|WinGetCaretPos|WinGetClassList|WinGetClientSize|WinGetProcess|WinMenuSelectItem|WinMinimizeAll(?:Undo)?|WinWait(?:Not)?Active|GUICreate|GUICtrl[a-zA-Z]{1,20}|GUISetState)\b/i;
const AU3_WEAK_FUNCS = /\b(?:IsBinary|IsString|Execute|IsBool|StringMid|StringLen|FileExists)\b/i;

export function isAu3(c: ScriptContext): boolean {
  if (!c.isText || !c.has(AU3_KEYWORDS)) return false;
  const strong = c.count(AU3_STRONG_FUNCS);
  return strong >= 5 || (strong >= 2 && strong + c.count(AU3_WEAK_FUNCS) >= 10);
}
