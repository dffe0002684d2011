// The README promises the Node.js versions in package.json's `engines`. Every package the lock file installs
// must accept the oldest of them, or `npm ci` warns (and a package may use features that Node lacks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import semver from 'semver';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean; optional?: boolean }>;
};

test('every locked package supports the oldest promised Node.js', () => {
  const oldest = semver.minVersion(pkg.engines.node);
  assert.ok(oldest, `engines.node is not a range: ${pkg.engines.node}`);
  const refused: string[] = [];
  let checked = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
    if (!path || !range) continue;
    checked++;
    if (!semver.satisfies(oldest, range, { includePrerelease: true })) refused.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}`);
  }
  assert.ok(checked > 50, `only ${checked} packages declare engines: is the lock file read?`);
  assert.deepEqual(refused, [], `packages that refuse Node ${oldest}`);
});

test('the README names the same oldest Node.js as package.json', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const oldest = semver.minVersion(pkg.engines.node)!;
  assert.match(readme, new RegExp(`Node\\.js ${oldest.major}\\.${oldest.minor} or newer`));
});
