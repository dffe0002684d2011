// Reads the golden module outputs of the corpus (`<sha256>.out`): an indented YAML-like dump of a protobuf
// message. Only what those files use is understood: nested maps, lists of maps or scalars, quoted strings with
// \xNN escapes, decimal and hex integers, bare enum names and trailing `# comments`.

export type Golden = string | number | Golden[] | { [k: string]: Golden };
export type GoldenMap = { [k: string]: Golden };

interface Line { indent: number; text: string }

function scalar(raw: string): Golden {
  let s = raw.trim();
  if (s.startsWith('"')) {
    let out = '';
    for (let i = 1; i < s.length; i++) {
      const c = s[i]!;
      if (c === '"') break;
      if (c !== '\\') { out += c; continue; }
      const n = s[++i]!;
      if (n === 'x') { out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
      else if (n === 'n') out += '\n';
      else if (n === 't') out += '\t';
      else if (n === 'r') out += '\r';
      else if (n === '0') out += '\0';
      else out += n;
    }
    return out;
  }
  const hash = s.indexOf(' #');
  if (hash >= 0) s = s.slice(0, hash).trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/^0x[0-9a-f]+$/i.test(s)) return Number(BigInt(s));
  return s;
}

function splitKey(text: string): [string, string] {
  const i = text.indexOf(':');
  return [text.slice(0, i), text.slice(i + 1)];
}

function parseBlock(lines: Line[], pos: { i: number }, indent: number): Golden {
  if (lines[pos.i]!.text.startsWith('- ')) {
    const list: Golden[] = [];
    while (pos.i < lines.length && lines[pos.i]!.indent === indent && lines[pos.i]!.text.startsWith('- ')) {
      const rest = lines[pos.i]!.text.slice(2);
      if (/^[A-Za-z_0-9]+:/.test(rest)) {
        lines[pos.i] = { indent: indent + 2, text: rest };
        list.push(parseBlock(lines, pos, indent + 2));
      } else {
        list.push(scalar(rest));
        pos.i++;
      }
    }
    return list;
  }
  const map: GoldenMap = {};
  while (pos.i < lines.length && lines[pos.i]!.indent === indent && !lines[pos.i]!.text.startsWith('- ')) {
    const [key, rest] = splitKey(lines[pos.i]!.text);
    pos.i++;
    if (rest.trim() === '') {
      const next = lines[pos.i];
      map[key] = next && next.indent >= indent && (next.indent > indent || next.text.startsWith('- ')) ? parseBlock(lines, pos, next.indent) : {};
    } else {
      map[key] = scalar(rest);
    }
  }
  return map;
}

export function parseGolden(text: string): GoldenMap {
  const lines = text.split('\n').filter((l) => l.trim() !== '').map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  if (!lines.length) return {};
  return parseBlock(lines, { i: 0 }, 0) as GoldenMap;
}
