// How deeply a JSON document nests. JSON.parse copes with any depth, but the code that walks request JSON
// (metadata flattening, serialisation into storage, string conversion of lists) recurses, and a document a few
// thousand levels deep overflows the stack. Bodies are measured on their text before parsing, in one pass
// without recursion, so an over-deep document is refused as a client error before anything walks it.

/** Where a JSON text first nests deeper than `limit` (its offset), or -1 when it never does. */
export function firstTooDeep(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return -1;
}

/** Whether an already parsed value nests deeper than `limit` ([] and {} are one level), measured without recursion. */
export function tooDeep(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
  return false;
}

/** The 400 message for a document nested past the limit, naming the setting that sets it. */
export function tooDeepMessage(what: string, limit: number): string {
  return `${what} nests arrays and objects more than ${limit} levels deep, the limit set by server.maxJsonDepth`;
}
