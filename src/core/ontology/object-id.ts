// Deterministic object ids of ontology parts. Assemblyline derives them from a fingerprint of a few fields: the
// Python text of their sorted (key, value) pairs, hashed with SHA-256, the first 32 hex digits read as a number and
// written in base62, prefixed with the part's kind ("signature_..."). Reproducing the Python text exactly lets the
// same signature get the same id here and in Assemblyline, so records from both can be related.
import { createHash } from 'node:crypto';
import { base62 } from '../results/keys.js';

// Python's str.isprintable() is false for control, format, surrogate, private-use and unassigned code points and
// for every separator except the plain space.
const NON_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/** The text Python's repr() gives a str. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x80 || !NON_PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

/** Python's text of a scalar as it appears inside a list or tuple (None, True, numbers, str). */
function pyScalar(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return pyStrRepr(v);
}

/** Fingerprint of flat data: the Python text of its sorted (key, value) pairs, hashed, in base62. */
export function fingerprint(data: Record<string, string | number | boolean | null | undefined>): string {
  const pairs = Object.keys(data)
    .sort()
    .map((k) => `(${pyStrRepr(k)}, ${pyScalar(data[k])})`);
  const text = `[${pairs.join(', ')}]`;
  const hex = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
  return base62(BigInt(`0x${hex}`));
}

/** Object id of a signature part: kind prefix and the fingerprint of its name and type. */
export function signatureOntologyId(name: string, type: string): string {
  return `signature_${fingerprint({ name, type })}`;
}
