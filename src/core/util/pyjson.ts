// Serialises JSON exactly like Python's `json.dumps`, where Assemblyline's output depends on it byte for byte:
// CaRT headers and footers (`separators=(",", ":"), sort_keys=True`) and the text hashed into result cache keys
// (default separators, insertion order).
//
// Differences from JSON.stringify that matter:
//   - keys are sorted at every depth, by Unicode code point (Python compares str by code point, JS sorts by
//     UTF-16 code unit; the two differ only for characters above U+FFFF versus U+E000..U+FFFF);
//   - ensure_ascii: every character outside 0x20..0x7e is written as a lowercase \uXXXX escape (astral
//     characters as a surrogate pair), where JS writes non-ASCII characters raw;
//   - non-integral numbers below 1e-4 use Python's exponent form (`1e-05`, not `0.00001` / `1e-7`).
// JS cannot tell the Python int 1 from the float 1.0, so integral numbers are written as ints.

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function escapeString(s: string): string {
  // Python's ensure_ascii escapes anything not in printable ASCII, DEL included.
  return (
    '"' +
    s.replace(/["\\]|[^\x20-\x7e]/g, (c) => SHORT_ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) +
    '"'
  );
}

function formatNumber(n: number): string {
  // Unreachable after the JSON.stringify round trip (it turns NaN/Infinity into null); kept so the function is
  // total. Python would write NaN/Infinity, which JSON.parse cannot read back.
  if (!Number.isFinite(n)) return 'null';
  if (Number.isInteger(n)) return Object.is(n, -0) ? '0' : BigInt(n).toString();
  const abs = Math.abs(n);
  if (abs >= 1e-4) return String(n); // Same shortest round-trip digits, positional form in both languages.
  // Python's float repr switches to exponent form below 1e-4 and pads the exponent to two digits.
  const [mant, exp] = n.toExponential().split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Python's str ordering: by code point (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

export interface PyJsonOptions {
  /** Python's `separators`; default compact (",", ":"). */
  separators?: [item: string, key: string];
  /** Python's `sort_keys`; default true. */
  sortKeys?: boolean;
}

function serialise(v: unknown, o: Required<PyJsonOptions>): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return escapeString(v);
    case 'number':
      return formatNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (Array.isArray(v)) return '[' + v.map((x) => serialise(x, o)).join(o.separators[0]) + ']';
      {
        const keys = Object.keys(v as object);
        if (o.sortKeys) keys.sort(compareCodePoints);
        return '{' + keys.map((k) => escapeString(k) + o.separators[1] + serialise((v as Record<string, unknown>)[k], o)).join(o.separators[0]) + '}';
      }
    default:
      throw new TypeError(`Cannot serialise ${typeof v} as JSON`);
  }
}

/** Python-compatible, ASCII-only JSON text of `value` (compact and key-sorted unless told otherwise). */
export function pythonJsonDumps(value: unknown, opts: PyJsonOptions = {}): string {
  // A JSON.stringify round trip first applies toJSON (Dates), drops undefined and functions, and rejects cycles,
  // and turns non-finite numbers into null, so the serialiser below only ever sees plain JSON data.
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('value is not JSON-serialisable');
  return serialise(JSON.parse(text), { separators: opts.separators ?? [',', ':'], sortKeys: opts.sortKeys ?? true });
}
