// HTML and HTA: the scripts inside <script> elements are deobfuscated in place with the steps of their language
// (VBScript when the element says so, JavaScript otherwise); the markup around them is left as it is.
import { JAVASCRIPT } from './javascript.js';
import { replaceAll, type Note, type Transform } from './transform.js';
import { VBSCRIPT } from './vbscript.js';

const SCRIPT = /(<script\b([^>]*)>)([\s\S]*?)(<\/script\s*>)/gi;

function round(steps: Transform[], text: string, note: Note): string {
  let out = text;
  for (const t of steps) out = t.apply(out, note);
  return out;
}

export const scriptBlocks: Transform = {
  name: 'script blocks',
  apply: (s, note) => replaceAll(s, SCRIPT, (m) => {
    if (/\bsrc\s*=/i.test(m[2]!) && !m[3]!.trim()) return undefined;
    const vbs = /language\s*=\s*["']?vbs|type\s*=\s*["']?text\/vbs/i.test(m[2]!);
    const body = round(vbs ? VBSCRIPT : JAVASCRIPT, m[3]!, note);
    return body === m[3] ? undefined : `${m[1]}${body}${m[4]}`;
  }),
};

export const HTML: Transform[] = [scriptBlocks];
