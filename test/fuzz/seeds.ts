// Seed files for mutation fuzzing, from the shared corpus (read where it is, never copied) when it is there.
// Every fuzz test also builds seeds of its own, so it still runs without the corpus.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSample } from '../helpers/yarax-samples.js';
import type { Seed } from './harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

/** Files of `strelka-fixtures/` by name, those that exist and are at most `maxBytes`. */
export function strelkaSeeds(names: string[], maxBytes = 256 * 1024): Seed[] {
  const out: Seed[] = [];
  for (const name of names) {
    const path = join(CORPUS, 'strelka-fixtures', name);
    if (!existsSync(path) || statSync(path).size > maxBytes) continue;
    out.push({ name, bytes: readFileSync(path) });
  }
  return out;
}

/** Files of `al-identify/` by name. */
export function alIdentifySeeds(names: string[]): Seed[] {
  return names
    .map((name) => join(CORPUS, 'al-identify', name))
    .filter((p) => existsSync(p))
    .map((p) => ({ name: p.split('/').pop()!, bytes: readFileSync(p) }));
}

/** Up to `count` samples of a YARA-X module folder (`pe`, `elf`, `macho`, `olecf`, `vba`...), smallest first. */
export async function yaraxSeeds(module: string, count: number, maxBytes = 256 * 1024): Promise<Seed[]> {
  const dir = join(CORPUS, 'yarax-modules', module);
  if (!existsSync(dir)) return [];
  const bases = [...new Set(readdirSync(dir).filter((f) => f.endsWith('.out')).map((f) => f.slice(0, -4)))].sort();
  const out: Seed[] = [];
  for (const base of bases) {
    try {
      const bytes = await readSample(join(dir, base));
      if (bytes.length > 0 && bytes.length <= maxBytes) out.push({ name: `${module}/${base.slice(0, 12)}`, bytes });
    } catch {
      // A sample this reader cannot unpack is simply not a seed.
    }
  }
  return out.sort((a, b) => a.bytes.length - b.bytes.length).slice(0, count);
}

export function seed(name: string, bytes: Uint8Array | string): Seed {
  return { name, bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes };
}
