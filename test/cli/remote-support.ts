// Support for tests of the commands that talk to a server: the server runs in the test process, so the
// command must run asynchronously (a synchronous spawn would block the server it talks to).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADMIN_APIKEY, type TestServer } from '../helpers/server.js';
import { exitOf, ROOT, spawnCli } from '../helpers/cli.js';

/**
 * A services directory holding only the named built-in analysers (re-exported), so these tests see a fixed set
 * of analysers whatever else is being added under src/services.
 */
export function builtinSubset(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-services-'));
  for (const n of names) {
    const target = pathToFileURL(join(ROOT, 'src', 'services', n, 'index.ts')).href;
    writeFileSync(join(dir, `${n}.ts`), `export * from ${JSON.stringify(target)};\n`);
  }
  return dir;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export async function runCliAsync(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<CliRun> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString()));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  let status: number | null;
  try {
    status = await exitOf(child, timeoutMs);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${args.join(' ')}: ${(err as Error).message}; stderr: ${stderr}`);
  }
  return { status, stdout, stderr };
}

/** Connection settings for the commands, as an operator would export them (the certificate is self-signed). */
export function remoteEnv(s: TestServer): Record<string, string> {
  return { ASSAY_URL: s.url, ASSAY_USER: 'admin', ASSAY_APIKEY: ADMIN_APIKEY, ASSAY_INSECURE: '1' };
}
