// Where the YARA service's rules come from and how they are compiled. The analysis worker has no datastore, so
// deployed signatures reach it as `<source>.yar` files the host writes into a directory (the `yaraRules` host
// data, see src/sdk/host-data.ts); the starter set ships next to this module. Compilation happens once per worker
// process and is reused until the rule text changes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { YaraRules } from '../../sdk/index.js';
import { yaraCompileError, yarax } from '../../sdk/yarax.js';

export interface RuleSource {
  /** Namespace of the rules: the signature source, reported as `<namespace>.<rule>`. */
  namespace: string;
  text: string;
}

export interface CompiledRules {
  rules: YaraRules;
  /** Sources left out because they did not compile, with the compiler's message. */
  rejected: Array<{ namespace: string; error: string }>;
  count: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
// A compiled build (dist/) carries no .yar files, so fall back to the copy in the source tree.
const STARTER_CANDIDATES = [join(here, 'starter-rules.yar'), join(here, '../../../../src/services/yara/starter-rules.yar')];

export function starterRules(): RuleSource | null {
  const path = STARTER_CANDIDATES.find((p) => existsSync(p));
  return path ? { namespace: 'starter', text: readFileSync(path, 'utf8') } : null;
}

export function directoryRules(dir: string): RuleSource[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(yar|yara)$/i.test(f))
    .sort()
    .map((f) => ({ namespace: basename(f).replace(/\.(yar|yara)$/i, ''), text: readFileSync(join(dir, f), 'utf8') }));
}

let cache: { key: string; compiled: CompiledRules } | undefined;

/** Compiles the sources (a broken source is set aside, never fatal), reusing the last result for equal input. */
export function compileRules(sources: RuleSource[], timeoutSeconds: number): CompiledRules {
  const key = createHash('sha256').update(JSON.stringify([sources, timeoutSeconds])).digest('hex');
  if (cache?.key === key) return cache.compiled;
  const rules = yarax().create();
  const rejected: CompiledRules['rejected'] = [];
  let count = 0;
  for (const s of sources) {
    // Checked on its own first: a failed add can leave the shared compiler refusing later sources.
    const error = yaraCompileError(s.text);
    if (error) {
      rejected.push({ namespace: s.namespace, error });
      continue;
    }
    try {
      rules.addRuleSource(s.text, s.namespace);
      count++;
    } catch (e) {
      rejected.push({ namespace: s.namespace, error: e instanceof Error ? e.message : String(e) });
    }
  }
  rules.setTimeout(Math.max(1000, Math.round(timeoutSeconds * 1000)));
  cache = { key, compiled: { rules, rejected, count } };
  return cache.compiled;
}
