// Shared set-up of the report and ontology tests: a real server running the pipeline test analysers plus a
// rule-matching one, a zip submitted the way the Python client submits, and readers with and without the
// submission's group.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { ROOT } from '../helpers/cli.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../helpers/server.js';
import { pythonClientSession } from '../helpers/raw.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const MEMBER_TEXT = 'beacon to c2.example, EVIL inside, RULEHIT';

export async function startAnalysisServer(): Promise<TestServer> {
  return startTestServer({
    config: { services: { paths: [join(ROOT, 'test', 'fixtures', 'pipeline'), join(ROOT, 'test', 'report', 'fixtures')], workers: 2 } },
  });
}

export type Client = Awaited<ReturnType<typeof pythonClientSession>>;

export async function adminClient(s: TestServer): Promise<Client> {
  return pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
}

/** A reader with its own API key, in the given groups. */
export async function reader(s: TestServer, uname: string, groups: string[]): Promise<Client> {
  await s.ctx.accounts.createUser({ uname, password: `${uname}-Password-123`, type: ['user'], groups });
  const secret = `${uname}-Secret-Key-0123456789`;
  await s.ctx.accounts.importApikey(uname, 'tests', secret, ['R']);
  return pythonClientSession(s.url, uname, `tests:${secret}`);
}

export async function waitCompleted(client: Client, sid: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await client.get(`/api/v4/submission/is_completed/${sid}/`)).body?.api_response === true) return;
    await sleep(100);
  }
  assert.fail(`submission ${sid} did not complete`);
}

/** Submits bundle.zip (one member, docs/readme.txt) and waits for it; returns the ids the tests check. */
export async function submitBundle(client: Client): Promise<{ sid: string; zipSha: string }> {
  const w = new ZipWriter(new Uint8ArrayWriter());
  await w.add('docs/readme.txt', new Uint8ArrayReader(Buffer.from(MEMBER_TEXT)));
  const zip = Buffer.from(await w.close());
  const r = await client.postMultipart('/api/v4/submit/', [
    { name: 'json', value: JSON.stringify({ name: 'bundle.zip', metadata: { source: 'test', original_source: 'unit' } }) },
    { name: 'bin', value: zip, filename: 'bundle.zip' },
  ]);
  assert.equal(r.status, 200, r.raw.toString());
  const sid = r.body.api_response.sid as string;
  await waitCompleted(client, sid);
  return { sid, zipSha: r.body.api_response.files[0].sha256 };
}
