// The YARA-X module outputs of the corpus, for the vba and olecf modules. Only the shapes these two modules print
// are read: scalars, lists of maps, lists of strings and the `code: |` block literals of the vba module.

export interface VbaGolden {
  has_macros: boolean;
  modules: Array<{ name: string; type: string; code: string }>;
  project?: { name?: string; version?: string; references: string[]; module_count?: number };
}

export interface OlecfGolden {
  is_olecf: boolean;
  streams: Array<{ name: string; type: string; size: number }>;
}

const unquote = (s: string) => {
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') ? JSON.parse(t) as string : t;
};

/** Source lines compared the way both sides can agree on: no CR, no trailing blanks, no trailing empty lines. */
export function normaliseCode(code: string): string {
  return code.replace(/\r/g, '').split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n+$/, '');
}

export function parseVbaOut(text: string): VbaGolden {
  const lines = text.split('\n');
  const g: VbaGolden = { has_macros: false, modules: [] };
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^has_macros: (\w+)/.exec(line))) g.has_macros = m[1] === 'true';
    else if (/^modules:/.test(line)) section = 'modules';
    else if (/^project_info:/.test(line)) {
      section = 'project';
      g.project = { references: [] };
    } else if (section === 'modules' && (m = /^ {2}- name: (.*)$/.exec(line))) g.modules.push({ name: unquote(m[1]!), type: '', code: '' });
    else if (section === 'modules' && (m = /^ {4}type: (\w+)/.exec(line))) g.modules[g.modules.length - 1]!.type = m[1]!;
    else if (section === 'modules' && /^ {4}code: \|/.test(line)) {
      const code: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1]!.startsWith('        ') || lines[i + 1] === '')) code.push(lines[++i]!.slice(8));
      g.modules[g.modules.length - 1]!.code = code.join('\n');
    } else if (section === 'project' && (m = /^ {4}name: (.*)$/.exec(line))) g.project!.name = unquote(m[1]!);
    else if (section === 'project' && (m = /^ {4}version: (.*)$/.exec(line))) g.project!.version = unquote(m[1]!);
    else if (section === 'project' && (m = /^ {6}- (.*)$/.exec(line))) g.project!.references.push(unquote(m[1]!));
    else if (section === 'project' && (m = /^ {4}module_count: (\d+)/.exec(line))) g.project!.module_count = Number(m[1]);
  }
  return g;
}

export function parseOlecfOut(text: string): OlecfGolden {
  const g: OlecfGolden = { is_olecf: /^is_olecf: true/m.test(text), streams: [] };
  for (const m of text.matchAll(/- name: (.*)\n\s+type: (\w+)\n\s+size: (\d+)/g)) g.streams.push({ name: unquote(m[1]!), type: m[2]!, size: Number(m[3]) });
  return g;
}
