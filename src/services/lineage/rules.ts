// Rules over a file's lineage: the chain of AL type labels from the submitted file down to the file itself,
// written "type|type|...|type" with the file last. Each rule is a regular expression over that string, so a
// deployment can add its own in the service configuration. The built-in rules describe delivery chains that
// legitimate content rarely produces: programs and scripts dropped by documents, e-mail attachments that unpack
// to scripts, payloads decoded out of scripts, executables hidden under several archive layers.

export interface LineageRule {
  /** Signature name reported on a match. */
  name: string;
  pattern: string;
  score: number;
  description: string;
  attack?: string[];
}

// Building blocks. A chain element never contains '|', so `[^|]+` is one element and ANY is zero or more.
const ANY = '(?:[^|]+\\|)*';
const START = '(?:^|\\|)';
const EXE = 'executable/[^|]+';
const SCRIPT = 'code/(?:javascript|jscript|vbs|vbe|batch|ps1|hta|wsf|wsc|shell|a3x|au3)';
const SCRIPT_HOST = 'code/(?:javascript|jscript|vbs|vbe|batch|ps1|hta|wsf|wsc|shell|a3x|au3|html|python|php|perl|ruby|lua)';
const OFFICE = 'document/(?:office/(?!email\\b)[^|]+|odt/[^|]+)';
const PDF = 'document/pdf[^|]*';
const EMAIL = 'document/(?:email|office/email)';
const ARCHIVE = 'archive/[^|]+';

/** `a`, then anything, then `b` as the file itself. */
const chain = (...parts: string[]) => `${START}${parts.join(`\\|${ANY}`)}$`;

export const BUILTIN_RULES: LineageRule[] = [
  {
    name: 'exe_from_office_document', pattern: chain(OFFICE, EXE), score: 500, attack: ['T1204.002', 'T1566.001'],
    description: 'An executable came out of an Office document.',
  },
  {
    name: 'exe_from_pdf', pattern: chain(PDF, EXE), score: 500, attack: ['T1204.002', 'T1566.001'],
    description: 'An executable came out of a PDF document.',
  },
  {
    name: 'script_from_office_document', pattern: chain(OFFICE, SCRIPT), score: 500, attack: ['T1204.002', 'T1566.001'],
    description: 'A script came out of an Office document.',
  },
  {
    name: 'script_from_pdf', pattern: chain(PDF, SCRIPT), score: 500, attack: ['T1204.002', 'T1566.001'],
    description: 'A script came out of a PDF document.',
  },
  {
    name: 'exe_from_email', pattern: chain(EMAIL, EXE), score: 500, attack: ['T1566.001'],
    description: 'An executable was attached to (or unpacked from an attachment of) an e-mail.',
  },
  {
    name: 'script_from_archive_in_email', pattern: chain(EMAIL, ARCHIVE, SCRIPT), score: 500, attack: ['T1566.001', 'T1204.002'],
    description: 'A script came out of an archive attached to an e-mail.',
  },
  {
    name: 'shortcut_from_email', pattern: chain(EMAIL, 'shortcut/windows'), score: 500, attack: ['T1566.001', 'T1204.002'],
    description: 'A Windows shortcut was delivered by e-mail.',
  },
  {
    name: 'exe_from_script', pattern: chain(SCRIPT_HOST, EXE), score: 500, attack: ['T1059', 'T1027'],
    description: 'An executable was decoded out of a script.',
  },
  {
    name: 'powershell_from_script', pattern: chain('code/(?:javascript|jscript|vbs|vbe|hta|html|wsf|wsc|batch)', 'code/ps1'), score: 500,
    attack: ['T1059.001'], description: 'A PowerShell script was decoded out of another script.',
  },
  {
    name: 'payload_from_onenote', pattern: chain('document/office/onenote', `(?:${EXE}|${SCRIPT}|${ARCHIVE}|shortcut/windows)`), score: 500,
    attack: ['T1566.001', 'T1204.002'], description: 'An executable, script, archive or shortcut was embedded in a OneNote document.',
  },
  {
    name: 'exe_from_unknown', pattern: chain('unknown', `(?:${EXE}|code/(?:ps1|batch)|shortcut/windows)`), score: 250, attack: ['T1027'],
    description: 'An executable or script came out of data of no known type (a custom container or encoding).',
  },
  {
    name: 'script_from_archive', pattern: `${START}${ARCHIVE}\\|${SCRIPT}$`, score: 100, attack: ['T1204.002'],
    description: 'A script was delivered directly inside an archive, the usual shape of a malicious download.',
  },
  {
    name: 'exe_in_nested_archive', pattern: chain(ARCHIVE, ARCHIVE, EXE), score: 100, attack: ['T1027'],
    description: 'An executable sits under two or more archive layers, which hides it from scanners that open one layer.',
  },
];

export interface RuleMatch { rule: LineageRule }

/**
 * Rules from the service configuration (`signatures: {name: {pattern, description?}}`), invalid ones reported.
 * Scores come from the manifest, which a deployment cannot extend, so every configured rule scores as the
 * configured-rule heuristic does.
 */
export function configuredRules(value: unknown): { rules: LineageRule[]; errors: string[] } {
  const rules: LineageRule[] = [];
  const errors: string[] = [];
  if (!value || typeof value !== 'object') return { rules, errors };
  for (const [name, spec] of Object.entries(value as Record<string, unknown>)) {
    const s = spec as { pattern?: unknown; description?: unknown };
    if (typeof s?.pattern !== 'string' || !/^[\w.-]{1,64}$/.test(name)) {
      errors.push(`${name}: needs a pattern (string) and a name of letters, digits, '.', '_' or '-'`);
      continue;
    }
    try {
      new RegExp(s.pattern);
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    rules.push({ name, pattern: s.pattern, score: 0, description: typeof s.description === 'string' ? s.description : 'Configured rule.' });
  }
  return { rules, errors };
}

/** The chain as the rules read it: ancestors' types then the file's own, '|'-separated. */
export function chainString(types: string[]): string {
  return types.map((t) => t.replace(/\|/g, '_')).join('|');
}

export function matchRules(types: string[], rules: LineageRule[]): LineageRule[] {
  const s = chainString(types);
  return rules.filter((r) => new RegExp(r.pattern).test(s));
}
