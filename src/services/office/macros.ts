// What a macro's source says about its intent: entry points Office runs without the user asking
// (auto-exec), calls that start processes, download or decode data, obfuscation idioms, and network
// indicators (found with FrankenStrings' validated IOC extraction).
import type { Iocs } from '../../sdk/index.js';
import { emptyIocs, findIocs } from '../../sdk/iocs.js';

// Procedure names Word, Excel and PowerPoint call on their own (document open/close/new, form events).
const AUTOEXEC = [
  'AutoExec', 'AutoOpen', 'AutoClose', 'AutoExit', 'AutoNew', 'Auto_Open', 'Auto_Close', 'Auto_Activate',
  'Document_Open', 'Document_Close', 'Document_New', 'Document_BeforeClose', 'Document_ContentControlOnEnter',
  'DocumentOpen', 'DocumentBeforeClose', 'NewDocument', 'Workbook_Open', 'Workbook_Activate', 'Workbook_Close',
  'Workbook_BeforeClose', 'Workbook_Deactivate', 'Workbook_WindowActivate', 'App_WorkbookOpen', 'Worksheet_Activate',
  'Worksheet_Calculate', 'Worksheet_Change', 'Presentation_Open', 'OnSlideShowPageChange',
];
const AUTOEXEC_RE = new RegExp(`\\b(?:Sub|Function)\\s+(${AUTOEXEC.join('|')}|\\w+_(?:Layout|Painted|Resize|GotFocus|LostFocus|MouseHover|Initialize|Change|Click))\\s*\\(`, 'gi');

export interface Indicator {
  /** Signature name, reported in the heuristic's signature map. */
  sig: string;
  re: RegExp;
  description: string;
  /** Launches a process or script host: what turns an auto-exec macro into a dropper. */
  executes?: boolean;
  downloads?: boolean;
  obfuscation?: boolean;
}

const INDICATORS: Indicator[] = [
  { sig: 'shell', re: /\bShell(?:Execute)?(?=\s*\(?\s*["\w(])/gi, description: 'Runs an executable or a system command', executes: true },
  { sig: 'wscript_shell', re: /WScript\.Shell/gi, description: 'Windows Script Host shell object', executes: true },
  { sig: 'shell_application', re: /Shell\.Application/gi, description: 'Shell.Application object', executes: true },
  { sig: 'powershell', re: /powershell(?:\.exe)?/gi, description: 'PowerShell command line', executes: true },
  { sig: 'cmd_exe', re: /\bcmd(?:\.exe)?\s+\/[ck]\b/gi, description: 'cmd.exe command line', executes: true },
  { sig: 'wmi_process', re: /GetObject\s*\(\s*"winmgmts/gi, description: 'WMI object (often Win32_Process.Create)', executes: true },
  { sig: 'createobject', re: /\bCreateObject\s*\(/gi, description: 'Creates an OLE automation object' },
  { sig: 'getobject', re: /\bGetObject\s*\(/gi, description: 'Binds to an OLE automation object' },
  { sig: 'callbyname', re: /\bCallByName\b/gi, description: 'Calls a method by name (hides the call)' },
  { sig: 'urldownloadtofile', re: /URLDownloadToFile/gi, description: 'Downloads a file', downloads: true },
  { sig: 'xmlhttp', re: /(?:MSXML2|Microsoft)\.(?:Server)?XMLHTTP|WinHttp\.WinHttpRequest/gi, description: 'HTTP request object', downloads: true },
  { sig: 'adodb_stream', re: /ADODB\.Stream/gi, description: 'Writes binary data to disk (ADODB.Stream)', downloads: true },
  { sig: 'savetofile', re: /\.SaveToFile\b/gi, description: 'Saves data to a file' },
  { sig: 'environ', re: /\bEnviron\s*\$?\s*\(/gi, description: 'Reads environment variables' },
  { sig: 'declare_lib', re: /\bDeclare\s+(?:PtrSafe\s+)?(?:Function|Sub)\s+\w+\s+Lib\b/gi, description: 'Calls a Windows API function' },
  { sig: 'virtualalloc', re: /\b(?:VirtualAlloc|RtlMoveMemory|CreateThread|WriteProcessMemory)\b/gi, description: 'Memory and thread API (shellcode runner)', executes: true },
  { sig: 'strreverse', re: /\bStrReverse\s*\(/gi, description: 'Reverses strings (obfuscation)', obfuscation: true },
  { sig: 'chr_obfuscation', re: /\bChrW?\$?\s*\(\s*\d+\s*\)(?:[^\n]*?\bChrW?\$?\s*\(\s*\d+\s*\)){4}/gi, description: 'Strings built from many Chr() calls', obfuscation: true },
  { sig: 'base64_strings', re: /"[A-Za-z0-9+/]{40,}={0,2}"/g, description: 'Long base64 string literal', obfuscation: true },
  { sig: 'encoded_powershell', re: /-(?:e|en|enc|encodedcommand)\s+[A-Za-z0-9+/]{16,}/gi, description: 'Encoded PowerShell command', executes: true, obfuscation: true },
];

export interface MacroFindings {
  autoexec: string[];
  /** Signature → the distinct strings that matched it (capped). */
  suspicious: Map<string, string[]>;
  iocs: Iocs;
  executes: boolean;
  downloads: boolean;
  obfuscated: boolean;
}

const MAX_MATCHES = 10;
/** Like Assemblyline's macro_score_max_file_size: only the first 5 MiB of a module's source is scored. */
const MAX_SCORED_CHARS = 5 * 1024 * 1024;

export function analyseMacro(source: string, into?: MacroFindings): MacroFindings {
  const code = source.length > MAX_SCORED_CHARS ? source.slice(0, MAX_SCORED_CHARS) : source;
  const f: MacroFindings = into ?? { autoexec: [], suspicious: new Map(), iocs: emptyIocs(), executes: false, downloads: false, obfuscated: false };
  for (const m of code.matchAll(AUTOEXEC_RE)) if (!f.autoexec.includes(m[1]!)) f.autoexec.push(m[1]!);
  for (const ind of INDICATORS) {
    const hits: string[] = f.suspicious.get(ind.sig) ?? [];
    for (const m of code.matchAll(ind.re)) {
      const s = m[0].trim().slice(0, 100);
      if (!hits.includes(s) && hits.length < MAX_MATCHES) hits.push(s);
    }
    if (hits.length === 0) continue;
    f.suspicious.set(ind.sig, hits);
    f.executes ||= !!ind.executes;
    f.downloads ||= !!ind.downloads;
    f.obfuscated ||= !!ind.obfuscation;
  }
  findIocs(code, f.iocs);
  return f;
}

export function indicatorDescription(sig: string): string {
  return INDICATORS.find((i) => i.sig === sig)?.description ?? sig;
}
