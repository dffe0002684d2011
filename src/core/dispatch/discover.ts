// Finding service modules: every file or folder in a services directory that exports a manifest. Adding an
// analyser is adding its module; nothing else lists it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest } from '../runtime/index.js';
import type { ServiceManifest } from '../../sdk/manifest.js';

const SKIP = /(\.d\.ts|\.test\.[cm]?[jt]s|\.map)$/;
const MODULE = /\.[cm]?[jt]s$/;

/**
 * Module paths in `dir`: `name.ts|js` files and `name/index.ts|js` folders. A top-level `index` file is taken for
 * code the directory's services share, not for a service.
 */
export function serviceModulePaths(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      const index = ['index.ts', 'index.js'].map((f) => join(p, f)).find(existsSync);
      if (index) out.push(index);
    } else if (MODULE.test(entry) && !SKIP.test(entry) && !/^index\.[cm]?[jt]s$/.test(entry)) {
      out.push(p);
    }
  }
  return out;
}

export async function discoverServices(dirs: string[]): Promise<Array<{ manifest: ServiceManifest; modulePath: string }>> {
  const found: Array<{ manifest: ServiceManifest; modulePath: string }> = [];
  for (const dir of dirs) {
    for (const modulePath of serviceModulePaths(dir)) found.push({ manifest: await loadManifest(modulePath), modulePath });
  }
  return found;
}
