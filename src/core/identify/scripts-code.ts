// Content rules for e-mail and general-purpose source code (Python, C, C#, Java, Go, Ruby, Perl,
// Rust, Lua, SQL, protobuf), PostScript and RDP connection files.
import type { ScriptContext } from './script-context.js';

const MAIL_FROM = /(?:^|\n)From: /;
const MAIL_TO = /(?:^|\n)To: /;
const MAIL_SUBJECT = /(?:^|\n)Subject: /;
const MAIL_DATE = /(?:^|\n)Date: /;
const MAIL_MIME = /(?:^|\n)MIME-Version: /;
const MAIL_MULTIPART =
  /(?:^|\n)Content-Type: multipart\/(?:alternative|byteranges|digest|form-data|mixed|parallel|related);\s{0,20}boundary=/;
const MAIL_HTML_PART = /(?:^|\n)Content-Type: text\/html;\s{0,20}charset=/;
const HTML_OPEN = /<html/i;

/** Internet messages: sender, headers of a real message, and a MIME body. */
export function isEmail(c: ScriptContext): boolean {
  if (!c.has(MAIL_FROM)) return false;
  if (!c.has(MAIL_MIME) && !(c.has(MAIL_TO) && c.has(MAIL_SUBJECT) && c.has(MAIL_DATE))) return false;
  if (c.has(MAIL_MULTIPART)) return true;
  return c.has(MAIL_HTML_PART) && c.has(HTML_OPEN) && c.index(MAIL_HTML_PART) < c.index(HTML_OPEN);
}

const CSHARP = [
  /(?:^|\n)[ \t]*namespace[ \t]+[\w.]+/,
  /(?:^|\n)[ \t]*using[ \t]+(?:static[ \t]+)?(?:[\w.]+;|\w+[ \t]*=[ \t]*[\w.:<>]+;)/,
  /(?:^|\n)[ \t]*(?:internal|public)[ \t]+(?:(?:static|sealed)[ \t]+)?class[ \t]+/,
  /(?:^|\n)[ \t]*fixed[ \t]+\(/,
  /(?:^|\n)[ \t]*(?:protected[ \t]+)?override/,
  /(?:^|\n)[ \t]*\[DllImport\("\w"\)\]public static extern/,
  /(?:^|\n)[ \t]*\[assembly: \w+\([.\w"]+\)\]/,
  'IsNullOrWhiteSpace(',
];

export function isCsharp(c: ScriptContext): boolean {
  return c.isText && c.nOf(2, CSHARP);
}

const C_SOURCE = [
  /(?:^|\n)(?:static|typedef)?[ \t]+(?:struct|const)[ \t]+/,
  /(?:^|\n)#include[ \t]*[<"][\w./]+[>"]/,
  /(?:^|\n)#(?:if !defined|ifndef|define|endif|pragma)[ \t]+/,
  /(?:^|\n)public[ \t]*:/,
  /ULONG|STDMETHOD/,
  /(?:^|\n)(?:const[ \t]+char[ \t]+\w+;|extern[ \t]+|uint(?:8|16|32)_t[ \t]+)/,
];

export function isC(c: ScriptContext): boolean {
  return c.isText && c.nOf(2, C_SOURCE);
}

const PY_STRONG = [
  /(?:^|\n)[ \t]*if[ \t]+__name__[ \t]*==[ \t]*['"]__main__['"][ \t]*:/,
  /(?:^|\n)[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]+[\w.*]+/,
  /(?:^|\n)[ \t]*def[ \t]*\w+[ \t]*\([^)]*\)[ \t]*:/,
  /try:|except:|else:/,
  /python_requires|setuptools\.(?:setup|find_packages)\(/,
  'subprocess.DEVNULL',
];
// Library calls typical of droppers and stealers; each different call counts as evidence.
const PY_CALLS =
  /\b(?:asyncio\.(?:run|sleep)|pty\.spawn|subprocess\.(?:run|Popen)|base64\.b64decode|socket\.(?:socket|gethostbyname|gethostname)|requests\.(?:get|post|request)|urllib\.request\.(?:Request|urlopen)|urllib\.urlopen|httpx\.(?:AsyncClient|Client)|pyperclip\.copy|pandas\.read_clipboard|os\.(?:system|chmod|rename))\(|\b(?:platform\.system|os\.getcwd|getpass\.getuser|platform\.node|pyperclip\.paste)\(\)/;
// Executing a decoded or decompressed blob, or unmarshalling code: strong on its own.
const PY_EXEC_BLOB =
  /(?:(?:exec|eval|check_output|run|call|[Pp]open|os\.system)\(|lambda[ \t]+\w{1,100}[ \t]*:)\s*(?:(?:zlib|lzma|__import__\([^)]{1,60}\))\.decompress\(|(?:base64|__import__\([^)]{1,60}\))\.b64decode\()/;
const PY_UNMARSHAL = /\b(?:marshal|pickle)\.loads\(/;

export function isPython(c: ScriptContext): boolean {
  if (!c.isText) return false;
  if (c.has(PY_EXEC_BLOB) || c.has(PY_UNMARSHAL)) return true;
  const calls = c.distinct(PY_CALLS, 2);
  const strong = calls >= 2 ? calls : calls + c.matching(PY_STRONG, 2 - calls);
  return strong >= 2 || (c.size < 1024 && strong === 1);
}

const JAVA = [
  /(?:^|\n)[ \t]*(?:public|private|protected)[ \t]+(?:(?:abstract|final)[ \t]+)?class[ \t]+\w+[ \t]*(?:[ \t]+extends[ \t]+\w+[ \t]*)?\{/,
  /(?:^|\n)[ \t]*(?:public|private|protected)[ \t]+(?:static[ \t]+)?(?:(?:abstract|final)[ \t]+)?\w+[ \t]+\w+[ \t]+=/,
  /(?:^|\n)[\w \t]+\([^)\n]*\)[ \t]+throws[ \t]+\w+[ \t]*(?:,[ \t]*\w+[ \t]*)*\{/,
  '.hasNext(',
  /(?:^|\s)final[ \t]+\w/,
  /(?:ArrayList|Class|Stack|Map|Set|HashSet|PrivilegedAction|Vector)<[\w?]/,
  /(?:^|\n)[ \t]*package[ \t]+[\w.]+;/,
  /(?:^|\n)[ \t]*public[ \t]+static[ \t]+void[ \t]+main\(String/,
  'import java.io.File',
  'System.out.println',
];

export function isJava(c: ScriptContext): boolean {
  return c.isText && c.nOf(2, JAVA);
}

const PROTOBUF = [
  /(?:^|\n)[ \t]*syntax[ \t]+=[ \t]+"proto\d"[ \t]*;/,
  /(?:^|\n)[ \t]*package[ \t]+google\.protobuf[ \t]*;/,
  /(?:^|\n)[ \t]*option[ \t]+\w+[ \t]+=[ \t]+[^;\n]+;/,
];

export function isProtobuf(c: ScriptContext): boolean {
  return c.isText && c.nOf(2, PROTOBUF);
}

const PS_HEADER = /(?:^|\n)%!PS[ \t]*\n/;
const PS_OPERATORS = [
  /(?:^|\n)[ \t]+\d+[ \t]+(?:selectfont|scalefont|setlinejoin|setlinewidth)/,
  /(?:^|\n)[ \t]+\d+[ \t]+\d+[ \t]+(?:moveto|lineto|scale|translate)/,
  /(?:^|\n)[ \t]+(?:showpage|newpath|stroke|setfont)/,
  /(?:^|\n)[ \t]+\([^)\n]+\)[ \t]+show/,
];

export function isPostscript(c: ScriptContext): boolean {
  return c.isText && c.has(PS_HEADER) && PS_OPERATORS.every((p) => c.count(p) > 2);
}

const SQL_TABLE = /(?:^|\n)(?:create|drop|select|returns|declare)[ \t]+(?:view|table)[ \t]+/i;

export function isSql(c: ScriptContext): boolean {
  return c.isText && (c.count(SQL_TABLE) > 2 || c.has('CREATE OR REPLACE'));
}

const GO = [/(?:^|\n)[ \t]*import[ \t]+\(/, /(?:^|\n)[ \t]*func[ \t]+\w+\(/];
const RUBY = [/(?:^|\n)[ \t]*require(?:_all)?[ \t]*'[\w/]+'/, /rescue[ \t]+\w+[ \t]+=>/];
const PERL = [/(?:^|\n)[ \t]*my[ \t]+\$\w+[ \t]*=/, /(?:^|\n)[ \t]*sub[ \t]+\w+[ \t]*\{/, /(?:^|\n)[ \t]*package[ \t]+[\w:]+;/];
const RUST = [/(?:^|\n)(?:pub|priv)[ \t]+(?:struct|enum|impl|const)[ \t]+/, /(?:^|\n)[ \t]*fn[ \t]+\w+[ \t]*\(&self/, /println!|panic!/];

export const isGo = (c: ScriptContext): boolean => c.isText && c.nOf(2, GO);
export const isRuby = (c: ScriptContext): boolean => c.isText && c.nOf(2, RUBY);
export const isPerl = (c: ScriptContext): boolean => c.isText && c.nOf(2, PERL);
export const isRust = (c: ScriptContext): boolean => c.isText && c.nOf(2, RUST);

const LUA_WORDS = [/\blocal\b/, /\bnil\b/, /\bend\b/, /\bthen\b/];
// Prose can contain all four words; require Lua's block structure as well.
const LUA_STRUCTURE = /(?:^|\n)[ \t]*(?:local[ \t]+(?:function[ \t]+)?\w+[ \t]*[=(,]|function[ \t]+[\w.:]+[ \t]*\(|if[ \t][^\n]*[ \t]then\b)/;

export function isLua(c: ScriptContext): boolean {
  return !c.isBinary && c.nOf(4, LUA_WORDS) && c.has(LUA_STRUCTURE);
}

const RDP_MANDATORY = 'full address:s:';
const RDP_OPTIONAL =
  /(?:alternate full address|alternate shell|domain|gatewayhostname|kdcproxyname|username|drivestoredirect|loadbalanceinfo|remoteapplication\w*|shell working directory|signature|signscope|workspaceid|winposstr|password 51|usbdevicestoredirect|devicestoredirect|camerastoredirect|selectedmonitors|gatewaycredentialssource):[sib]:|(?:authentication level|audiomode|audiocapturemode|autoreconnection enabled|bandwidthautodetect|compression|desktopheight|desktopwidth|desktop size id|screen mode id|session bpp|redirect\w+|use multimon|smart sizing|prompt for credentials|negotiate security layer|enablecredsspsupport|networkautodetect|connection type|displayconnectionbar|disable \w+(?: \w+)*|allow \w+ \w+|keyboardhook|server port|administrative session|promptcredentialonce|gatewayusagemethod|gatewayprofileusagemethod|videoplaybackmode|dynamic resolution):i:/;

/** Remote Desktop connection files: the one mandatory property and at least two others. */
export function isRdp(c: ScriptContext): boolean {
  return c.isText && c.has(RDP_MANDATORY) && c.distinct(RDP_OPTIONAL, 2) >= 2;
}
