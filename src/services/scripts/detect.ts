// Behaviour indicators looked for in every layer of a script. Each heuristic has named signatures; a signature
// counts once per file however many layers show it, with the text that matched kept as evidence.
export interface Signature {
  name: string;
  re: RegExp;
  /** ATT&CK ids this signature adds to its heuristic's. */
  attack?: string[];
}

export interface HeuristicRule {
  id: number;
  signatures: Signature[];
}

const sig = (name: string, re: RegExp, attack?: string[]): Signature => ({ name, re, attack });

// -WindowStyle accepts any prefix of its name and of "Hidden", and the number 1.
const HIDDEN = /(?:^|\s)[-/]w(?:i|in|ind|indo|indow|indows|indowst|indowsty|indowstyl|indowstyle)?\s+['"]?(?:h|hi|hid|hidd|hidde|hidden|1)\b/im;

export const RULES: HeuristicRule[] = [
  {
    id: 2, // Download cradle
    signatures: [
      sig('net_webclient', /New-Object\s+(?:-TypeName\s+)?(?:System\.)?Net\.WebClient|\.Download(?:String|File|Data)(?:Async|TaskAsync)?\s*\(/i),
      sig('invoke_webrequest', /\b(?:Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b\s+[^\r\n]*(?:https?:|-Uri)/i),
      sig('bits_transfer', /\bStart-BitsTransfer\b|\bbitsadmin(?:\.exe)?\s+[^\r\n]*\/(?:transfer|addfile)/i, ['T1197']),
      sig('certutil_urlcache', /\bcertutil(?:\.exe)?\s+[^\r\n]*-urlcache/i),
      sig('xmlhttp', /MSXML2\.(?:Server)?XMLHTTP|Microsoft\.XMLHTTP|WinHttp\.WinHttpRequest/i),
      sig('http_client', /System\.Net\.Http\.HttpClient|Net\.HttpWebRequest/i),
      sig('adodb_stream_save', /ADODB\.Stream[\s\S]{0,400}SaveToFile/i),
    ],
  },
  {
    id: 3, // Dynamic code execution
    signatures: [
      sig('invoke_expression', /\b(?:Invoke-Expression|iex)\b/i, ['T1059.001']),
      sig('js_eval', /\beval\s*\(/, ['T1059.007']),
      // Function("return this")() is the usual way to reach the global object, not dynamic code.
      sig('js_function_constructor', /\bnew\s+Function\s*\((?!\s*['"]return this['"])|\bFunction\s*\(\s*['"](?!return this['"])[^)]*\)\s*\(/, ['T1059.007']),
      sig('vbs_execute', /\bExecute(?:Global)?\b\s*[("\w]/i, ['T1059.005']),
      sig('scriptblock_create', /\[ScriptBlock\]::Create\s*\(/i, ['T1059.001']),
    ],
  },
  {
    id: 4, // Process execution
    signatures: [
      sig('start_process', /\b(?:Start-Process|saps)\b/i, ['T1059.001']),
      sig('wscript_shell', /WScript\.Shell/i, ['T1059.005']),
      sig('shell_application', /Shell\.Application|\.ShellExecute\s*\(/i),
      sig('activex_object', /\bnew\s+ActiveXObject\s*\(/i, ['T1059.007']),
      sig('wmi_process', /Win32_Process|Invoke-WmiMethod|Invoke-CimMethod/i, ['T1047']),
      sig('cmd_c', /\bcmd(?:\.exe)?\s+\/[ck]\b/i, ['T1059.003']),
      // A command line starting PowerShell (a switch, a cmdlet, a variable or a quoted script follows), not a mention.
      sig('powershell_launch', /(?:^|[\s"'(;&|=\\])(?:powershell|pwsh)(?:\.exe)?\s+(?:[-/]\w|["'$&{]|[A-Za-z]+-[A-Za-z])/im, ['T1059.001']),
      sig('mshta_rundll_regsvr', /\b(?:mshta|rundll32|regsvr32)(?:\.exe)?\s/i, ['T1218']),
    ],
  },
  {
    id: 5, // AMSI bypass
    signatures: [sig('amsi_bypass', /AmsiUtils|amsiInitFailed|AmsiScanBuffer|amsiContext|amsi\.dll/i)],
  },
  {
    id: 6, // Security tool tampering
    signatures: [
      sig('defender_disable', /Set-MpPreference\s+[^\r\n]*-Disable(?:RealtimeMonitoring|BehaviorMonitoring|IOAVProtection|ScriptScanning|IntrusionPreventionSystem|BlockAtFirstSeen)/i),
      sig('defender_exclusion', /Add-MpPreference\s+[^\r\n]*-Exclusion(?:Path|Process|Extension)/i),
      sig('defender_policy', /DisableAntiSpyware|DisableRealtimeMonitoring/i),
    ],
  },
  {
    id: 7, // Persistence
    signatures: [
      sig('run_key', /\\CurrentVersion\\Run(?:Once|Services)?\b/i, ['T1547.001']),
      sig('scheduled_task', /\bschtasks(?:\.exe)?\s+[^\r\n]*\/create\b|\bRegister-ScheduledTask\b|\bNew-ScheduledTask(?:Action|Trigger)?\b/i, ['T1053.005']),
      sig('startup_folder', /\\Start Menu\\Programs\\Startup|shell:startup/i, ['T1547.001']),
      sig('wmi_subscription', /__EventFilter|CommandLineEventConsumer/i, ['T1546.003']),
    ],
  },
  {
    id: 8, // Hidden / unrestricted PowerShell
    signatures: [
      sig('hidden_window', HIDDEN, ['T1564.003']),
      sig('execution_policy_bypass', /(?:^|\s)[-/](?:ep|ex|exe|exec|execution\w*)\s+['"]?(?:bypass|unrestricted)\b/im),
      sig('no_profile', /(?:^|\s)[-/]nop(?:r|ro|rof|rofi|rofil|rofile)?\b/im),
      sig('non_interactive', /(?:^|\s)[-/]noni(?:n\w*)?\b/im),
    ],
  },
];

export interface Hit {
  id: number;
  signatures: Map<string, string>;
  attack: Set<string>;
}

/** Signature hits over all texts, with the first matching text (shortened) of each. */
export function detect(texts: string[]): Map<number, Hit> {
  const hits = new Map<number, Hit>();
  for (const rule of RULES) {
    for (const s of rule.signatures) {
      for (const t of texts) {
        const m = s.re.exec(t);
        if (!m) continue;
        const hit = hits.get(rule.id) ?? { id: rule.id, signatures: new Map(), attack: new Set() };
        hit.signatures.set(s.name, evidence(t, m.index, m[0].length));
        for (const a of s.attack ?? []) hit.attack.add(a);
        hits.set(rule.id, hit);
        break;
      }
    }
  }
  return hits;
}

/** The line around a match, at most 200 characters. */
function evidence(text: string, at: number, len: number): string {
  const start = Math.max(text.lastIndexOf('\n', at) + 1, at - 80);
  const endLine = text.indexOf('\n', at + len);
  const end = Math.min(endLine < 0 ? text.length : endLine, at + len + 80, start + 200);
  return text.slice(start, end).trim();
}

/** A download and a dynamic execution in the same text: the classic cradle that runs what it fetches. */
export function downloadAndExecute(texts: string[]): string | undefined {
  const dl = RULES.find((r) => r.id === 2)!.signatures;
  for (const t of texts) {
    const d = dl.map((s) => s.re.exec(t)).find(Boolean);
    if (!d) continue;
    if (/\b(?:Invoke-Expression|iex)\b|\beval\s*\(|\bExecute(?:Global)?\b|\[ScriptBlock\]::Create|\|\s*(?:powershell|cmd)\b/i.test(t)) {
      return evidence(t, d.index, d[0].length);
    }
  }
  return undefined;
}
