// HTML and HTA: the scripts inside <script> elements are deobfuscated in place with the steps of their language
// (VBScript when the element says so, JavaScript otherwise); the markup around them is left as it is.
import { JAVASCRIPT } from './javascript.js';
import type { Note, Transform } from './transform.js';
import { VBSCRIPT } from './vbscript.js';

function round(steps: Transform[], text: string, note: Note): string {
  let out = text;
  for (const t of steps) out = t.apply(out, note);
  return out;
}

const OPEN = /<script\b([^>]*)>/gi;
const CLOSE = /<\/script\s*>/gi;

export const scriptBlocks: Transform = {
  name: 'script blocks',
  // Scanned by hand, not with one lazy regex: thousands of unclosed <script> tags would make that quadratic.
  apply: (s, note) => {
    const parts: string[] = [];
    let at = 0;
    OPEN.lastIndex = 0;
    for (let open = OPEN.exec(s); open; open = OPEN.exec(s)) {
      const bodyStart = open.index + open[0].length;
      CLOSE.lastIndex = bodyStart;
      const close = CLOSE.exec(s);
      // No closing tag: no later element can have one either.
      if (!close) break;
      const attrs = open[1]!;
      const body = s.slice(bodyStart, close.index);
      OPEN.lastIndex = close.index + close[0].length;
      if (/\bsrc\s*=/i.test(attrs) && !body.trim()) continue;
      const vbs = /language\s*=\s*["']?vbs|type\s*=\s*["']?text\/vbs/i.test(attrs);
      const clean = round(vbs ? VBSCRIPT : JAVASCRIPT, body, note);
      if (clean === body) continue;
      parts.push(s.slice(at, bodyStart), clean);
      at = close.index;
    }
    if (!parts.length) return s;
    parts.push(s.slice(at));
    return parts.join('');
  },
};

export const HTML: Transform[] = [scriptBlocks];
