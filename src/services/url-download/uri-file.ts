// Reads an Assemblyline URI file: a marker comment then YAML whose `uri` key holds the address. Only the
// single-line scalar forms Assemblyline writes are understood (plain, single- or double-quoted).
export function parseUriFile(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^uri[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) continue;
    const v = m[1]!;
    if (v.startsWith('"')) {
      try {
        const s = JSON.parse(v.slice(0, v.lastIndexOf('"') + 1));
        return typeof s === 'string' ? s : undefined;
      } catch {
        return undefined;
      }
    }
    if (v.startsWith("'")) return v.slice(1, v.lastIndexOf("'")).replace(/''/g, "'");
    const comment = v.search(/[ \t]#/);
    return (comment >= 0 ? v.slice(0, comment) : v).trim() || undefined;
  }
  return undefined;
}
