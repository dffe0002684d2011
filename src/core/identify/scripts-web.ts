// Content rules for web-facing languages: JavaScript/JScript, HTML and HTA, XML, JSON, PHP, JSP,
// CSS and Windows Script Host containers. Each rule mirrors the evidence Assemblyline's identify
// rules weigh: strong indicators count on their own, weak ones only in numbers.
import type { ScriptContext } from './script-context.js';

const JS_NOT_HTML = /^\s*<(?:\w|!--)/;
const JS_STRONG = [
  /\beval[ \t]*\(['"]/,
  /new[ \t]+ActiveXObject\(/,
  /Scripting\.Dictionary['"]/,
  'unescape(',
  '.createElement(',
  /submitForm\(['"]/,
  /\b(?:document|window)(?:\[['"a-zA-Z]|\.)\w+\b/,
  'setTimeout(',
  /(?:^|;|\s)(?:var|let|const)[ \t]+\w+[ \t]*=/,
  /(?:^|\n)window\.location\.href[ \t]*=/,
  /catch\s*\(\w*\)\s*\{/,
  /user_pref\("[\w.]+",\s*[\w"']+\)/,
  'alert(',
  '.charAt(',
  'decodeURIComponent(',
  '.charCodeAt(',
  '.toString(',
];
const JS_WEAK = [
  /String(?:\[['"]|\.)(?:fromCharCode|raw)(?:['"]\])?\(/,
  /Math\.(?:round|pow|sin|cos)\(/,
  /(?:isNaN|isFinite|parseInt|parseFloat|toLowerCase|toUpperCase)\(/,
  /(?:\W|^)this[.[][\w'"]+/,
  /(?:\W|^)\w+\.length/,
  /(?:\W|^)\w+\.substr\(/,
];
// Shared with PowerShell, so never sufficient alone.
export const FUNCTION_DECLARATION = /(?:^|;|\s|\(|\*\/)function(?:[ \t]*|[ \t]+[\w|]+[ \t]*)\([\w \t,]*\)[ \t\n\r]*\{/;
// JavaScript requires the empty parentheses PowerShell omits, and calls end in "();".
const EMPTY_PARAMS = /\bfunction\s+\w+\s*\(\)\s*\{/;
const EMPTY_CALL = /\w\(\);/;

export function isJavascript(c: ScriptContext): boolean {
  return c.once('javascript', () => {
    if (c.has(JS_NOT_HTML)) return false;
    if (c.isText || c.mime === 'application/javascript') {
      const strong = c.matching(JS_STRONG, 2);
      if (strong >= 2) return true;
      if (strong === 1 && c.nOf(2, JS_WEAK)) return true;
      if (c.has(FUNCTION_DECLARATION) && (strong >= 1 || c.nOf(2, JS_WEAK))) return true;
      return c.has(EMPTY_PARAMS) && c.has(EMPTY_CALL);
    }
    return c.isBinary && c.nOf(4, JS_STRONG);
  });
}

const JSCRIPT = [
  /\bActiveXObject\b/,
  '= GetObject(',
  'WScript.CreateObject(',
  // Conditional compilation is specific to Microsoft's JScript engine.
  '/*@cc_on',
  '@*/',
  '/*@if (@_jscript_version >= ',
  '/*@end',
];

export function isJscript(c: ScriptContext): boolean {
  return isJavascript(c) && c.nOf(1, JSCRIPT);
}

const XFA_EXPR = [/xfa\.(?:\w*[.)=( ]){2,}/, 'ui.oneOfChild.'];
const XFA_NS = 'http://www.xfa.org/schema/xfa-template/';

export function isXfa(c: ScriptContext): boolean {
  return c.nOf(1, XFA_EXPR) && c.near(XFA_NS, 256);
}

const XML_DECL = /^\s*<\?xml[^>]+\?>/;
const XML_NS_OPEN = /<xml[^>]+xmlns[:=][^>]+>/;
const XML_START_TAG = /<[^/<>\n][^<>]*>/;
const XML_END_TAG = /<\/[^<>\n]+>\s*$/;

export function isXml(c: ScriptContext): boolean {
  return c.has(XML_DECL) || (c.has(XML_NS_OPEN) && c.has('</xml>'));
}

function xmlStartTag(c: ScriptContext): boolean {
  return c.near(XML_START_TAG, 256);
}

function xmlEndTag(c: ScriptContext): boolean {
  return c.atEnd(XML_END_TAG);
}

/** Markup that opens with a tag and closes with one: XML in the loose sense. */
export function isXmlTags(c: ScriptContext): boolean {
  return xmlStartTag(c) && xmlEndTag(c);
}

const HTML_DOCTYPE = /(?:^|\n|>)[ \t]*<!doctype html>/i;
const HTML_OPEN = /(?:^|\n|>)[ \t]*<html/i;
const HTML_CLOSE = /(?:^|\n|>)[ \t]*<\/html/i;
const HTML_TAG = /(?:^|\n)[ \t\r\f\v]*<(?:div|script|body|head|img|iframe|pre|span|style|table|title|strong|link|input|form)[ \t>]/i;
const HTML_VOID_TAG = /(?:^|\n)[ \t\r\f\v]*<(?:area|base|br|col|command|embed|hr|img|input|keygen|link|meta|param|source|track|wbr)[ \t>]/i;
const HTML_BODY = /(?:^|\n)[ \t\r\f\v]*<body[ \t>]/i;

/** An HTML document skeleton: doctype or <html> near the start, or </html> at the end. */
export function isHtmlDocument(c: ScriptContext): boolean {
  return c.near(HTML_DOCTYPE, 256) || c.near(HTML_OPEN, 256) || c.atEnd(HTML_CLOSE);
}

/** A fragment of HTML: markup (or a comment) at both ends and a common HTML element. */
export function isHtmlFragment(c: ScriptContext): boolean {
  return (
    (xmlStartTag(c) || c.near('<!--', 64)) && (xmlEndTag(c) || c.atEnd('-->', 64)) && c.has(HTML_TAG)
  );
}

/** Markup using elements that only HTML has (void elements, <body>). */
export function isHtmlVoid(c: ScriptContext): boolean {
  return xmlStartTag(c) && (c.has(HTML_VOID_TAG) || c.has(HTML_BODY));
}

const HTA = /(?:^|\n|>)[ \t]*<hta:application /i;

export function isHta(c: ScriptContext): boolean {
  return c.has(HTA);
}

const COMPONENT = [/public:component /i, /\/public:component/i];
const SCRIPT_TAG = /<script/i;
const SCRIPT_LANGS = [
  /language="(?:javascript|jscript|js|vbscript|vb)"/i,
  /type="text\/(?:javascript|vbscript)"/i,
];

export function isHtmlComponent(c: ScriptContext): boolean {
  return c.nOf(2, COMPONENT) && c.has(SCRIPT_TAG) && c.nOf(1, SCRIPT_LANGS);
}

const JSON_BARE_KEY = /^\s*\w+:\s*[{["\d]/;
const JSON_QUOTED_KEY = /"\w+":\s*[{["\d]/;

/** JSON-looking object text that a strict parser may have rejected (e.g. truncated). */
export function isJsonObjectText(c: ScriptContext): boolean {
  const last = c.tail.trimEnd();
  return (
    c.text[0] === '{' && last[last.length - 1] === '}' && !c.has(JSON_BARE_KEY) && c.has(JSON_QUOTED_KEY)
  );
}

const PHP_OPEN = /(?:^|\n)<\?php/;
const PHP_EVIDENCE = [
  /namespace[ \t]+[\w.]+/,
  /function[ \t]+\w+[ \t]*\([ \t]*\$[^)]+\)[ \t\n]*\{/,
  /\beval[ \t]*\(/,
  '$this->',
  /require[ \t]+[\w.]*(?:'[^'\n]+\.php'|"[^"\n]+\.php")[ \t]*;/,
  /require\([\w.]*(?:'[^'\n]+\.php'|"[^"\n]+\.php")\);/,
];

export function isPhp(c: ScriptContext): boolean {
  return c.isText && c.near(PHP_OPEN, 256) && c.nOf(1, PHP_EVIDENCE);
}

const JSP_DIRECTIVES = ['<%@ page', '<%@ include', '<%@ taglib'];
const JSP_JAVA = ['FileOutputStream', 'System.getProperty', 'public void', 'public Class', 'ClassLoad', 'java.util.*'];

export function isJsp(c: ScriptContext): boolean {
  if (!c.isText) return false;
  if (c.has('<jsp:') && c.has('</jsp:')) return true;
  if (c.nOf(2, JSP_DIRECTIVES)) return true;
  if (c.count('<%') < 2 || c.count('%>') < 2) return false;
  let java = 0;
  for (const s of JSP_JAVA) java += c.count(s);
  return java >= 2;
}

// The selector's tail is absorbed by [^{}]+, which keeps the pattern linear.
const CSS_RULE =
  /(?:^|\n|\})(?:html|body|footer|span\.|img\.|a\.|\.[a-zA-Z.-])[^{}]+\{[ \t]*(?:padding|color|width|margin|background|font|text)[^}]+\}/;

export function isCss(c: ScriptContext): boolean {
  return c.isText && c.mime !== 'text/html' && c.count(CSS_RULE) > 2;
}

const CLICKONCE_OPEN = /^\s*<assembly[^>]+xmlns=[^>]+>/;

export function isClickOnce(c: ScriptContext): boolean {
  return c.has(CLICKONCE_OPEN) && c.has('</assembly>');
}

const WSH_SCRIPT = /<script\s+language=/;

export function isWsf(c: ScriptContext): boolean {
  return c.isText && c.has('<job') && c.has(WSH_SCRIPT);
}

export function isWsc(c: ScriptContext): boolean {
  return c.isText && c.has('<component') && c.has(WSH_SCRIPT);
}
