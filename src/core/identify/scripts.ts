// Weighted content rules for files libmagic calls plain text (or cannot name at all). Every rule
// that holds contributes its label with a weight; the heaviest wins and, on equal weight, the rule
// listed first. Weights and order follow Assemblyline's identification rules, so the same file gets
// the same label: e.g. an HTA (12) beats the HTML it is written in (10), which beats JavaScript (1).
import { ScriptContext } from './script-context.js';
import {
  isC, isCsharp, isEmail, isGo, isJava, isLua, isPerl, isPostscript, isProtobuf, isPython, isRdp, isRuby, isRust,
  isSql,
} from './scripts-code.js';
import {
  isA3x, isAu3, isBatch, isBatchSmall, isPowershell, isPowershellFirstLine, isPowershellSmall, isVbs,
} from './scripts-shell.js';
import {
  isClickOnce, isCss, isHta, isHtmlComponent, isHtmlDocument, isHtmlFragment, isHtmlVoid, isJavascript, isJscript,
  isJsonObjectText, isJsp, isPhp, isWsc, isWsf, isXfa, isXml, isXmlTags,
} from './scripts-web.js';

interface Rule {
  type: string;
  weight: number;
  test: (c: ScriptContext) => boolean;
}

const RULES: readonly Rule[] = [
  { type: 'code/javascript', weight: 1, test: isJavascript },
  { type: 'code/jscript', weight: 5, test: isJscript },
  { type: 'code/xfa', weight: 5, test: isXfa },
  { type: 'code/vbs', weight: 2, test: isVbs },
  { type: 'code/xml', weight: 0, test: isXml },
  { type: 'code/xml', weight: 0, test: isXmlTags },
  { type: 'code/html', weight: 10, test: isHtmlDocument },
  { type: 'code/html', weight: 10, test: isHtmlFragment },
  { type: 'code/html', weight: 10, test: isHtmlVoid },
  { type: 'code/hta', weight: 12, test: isHta },
  { type: 'code/html/component', weight: 10, test: isHtmlComponent },
  { type: 'document/email', weight: 15, test: isEmail },
  { type: 'text/json', weight: 2, test: isJsonObjectText },
  { type: 'code/csharp', weight: 1, test: isCsharp },
  { type: 'code/php', weight: 0, test: isPhp },
  { type: 'code/jsp', weight: 3, test: isJsp },
  { type: 'code/ps1', weight: 1, test: isPowershell },
  { type: 'code/ps1', weight: 5, test: isPowershellFirstLine },
  { type: 'code/ps1', weight: 1, test: isPowershellSmall },
  { type: 'code/c', weight: 1, test: isC },
  { type: 'code/python', weight: 3, test: isPython },
  { type: 'code/java', weight: 2, test: isJava },
  { type: 'code/protobuf', weight: 3, test: isProtobuf },
  { type: 'code/clickonce', weight: 0, test: isClickOnce },
  { type: 'code/css', weight: 0, test: isCss },
  { type: 'code/batch', weight: 2, test: isBatch },
  { type: 'code/batch', weight: -1, test: isBatchSmall },
  { type: 'document/ps', weight: 0, test: isPostscript },
  { type: 'code/sql', weight: 0, test: isSql },
  { type: 'code/go', weight: 0, test: isGo },
  { type: 'code/ruby', weight: 0, test: isRuby },
  { type: 'code/perl', weight: 0, test: isPerl },
  { type: 'code/rust', weight: 0, test: isRust },
  { type: 'code/wsf', weight: 10, test: isWsf },
  { type: 'code/wsc', weight: 10, test: isWsc },
  { type: 'code/a3x', weight: 0, test: isA3x },
  { type: 'code/au3', weight: 2, test: isAu3 },
  { type: 'text/rdp', weight: -2, test: isRdp },
  { type: 'code/lua', weight: 0, test: isLua },
];

// No weight exceeds this; once a rule of this weight matched, nothing later can win.
const MAX_WEIGHT = 15;

/** Best content-rule label, or undefined when no rule holds. */
export function scriptLabel(c: ScriptContext): string | undefined {
  let best: Rule | undefined;
  for (const rule of RULES) {
    if (best && rule.weight <= best.weight) continue;
    if (rule.test(c)) {
      best = rule;
      if (rule.weight >= MAX_WEIGHT) break;
    }
  }
  return best?.type;
}

export { ScriptContext };
