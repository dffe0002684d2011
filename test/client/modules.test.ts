// Every SDK module against a real server running real analysers.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, ClientError, type IngestMessage, type Submission } from '../../src/client/index.js';
import { ROOT } from '../helpers/cli.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../helpers/server.js';
import { builtinSubset } from '../cli/remote-support.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'strelka-fixtures');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const is404 = (err: unknown) => err instanceof ClientError && err.status === 404;

describe('client modules', () => {
  let s: TestServer;
  let client: Client;
  let services: string;
  let exe: Submission;
  let zip: Submission;
  const exeBytes = readFileSync(join(CORPUS, 'test.exe'));
  const zipBytes = readFileSync(join(CORPUS, 'test.zip'));
  const dir = mkdtempSync(join(tmpdir(), 'assay-client-'));

  before(async () => {
    services = builtinSubset(['characterize', 'extract', 'frankenstrings', 'pe']);
    s = await startTestServer({ https: true, config: { services: { builtin: false, paths: [services], workers: 2 } } });
    client = new Client({ url: s.url, apikey: { user: 'admin', key: ADMIN_APIKEY }, insecure: true });
    exe = await client.submit({ path: join(CORPUS, 'test.exe'), metadata: { case: 'sdk' }, wait: true });
    zip = await client.submit({ content: zipBytes, fname: 'bundle.zip', wait: { timeoutMs: 120_000, intervalMs: 200 } });
  });
  after(async () => {
    client?.close();
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (services) rmSync(services, { recursive: true, force: true });
  });

  it('submit: waits for the verdict; resubmit makes a new submission', async () => {
    assert.equal(exe.state, 'completed');
    assert.equal(exe.files[0]!.sha256, sha256(exeBytes));
    assert.equal(exe.files[0]!.name, 'test.exe');
    assert.equal(exe.metadata.case, 'sdk');
    assert.ok(exe.max_score >= 0);
    const again = await client.submit.resubmit(exe.sid);
    assert.notEqual(again.sid, exe.sid);
    assert.equal(again.files[0]!.sha256, exe.files[0]!.sha256);
    await client.submission.waitForCompletion(again.sid, { intervalMs: 200 });
  });

  it('ingest: path, bytes, stream and sha256 inputs; messages from the notification queue', async () => {
    const nq = 'sdk-queue';
    const text = Buffer.from('plain text for the ingest test\n');
    const ids = [
      (await client.ingest({ path: join(CORPUS, 'test.txt'), nq, metadata: { file_path: 'corpus/test.txt' } })).ingest_id,
      (await client.ingest({ content: text, fname: 'note.txt', nq, params: { priority: 200 } })).ingest_id,
      (await client.ingest({ stream: createReadStream(join(CORPUS, 'test.json')), fname: 'data.json', nq })).ingest_id,
      (await client.ingest({ sha256: sha256(exeBytes), nq, ingestType: 'SDK_TEST' })).ingest_id,
    ];
    assert.equal(new Set(ids).size, 4);
    const got: IngestMessage[] = [];
    for (let i = 0; i < 600 && got.length < 4; i++) {
      got.push(...(await client.ingest.getMessageList(nq)));
      if (got.length < 4) await sleep(100);
    }
    assert.equal(got.length, 4);
    assert.deepEqual(got.map((m) => m.ingest_id).sort(), [...ids].sort());
    const byId = new Map(got.map((m) => [m.ingest_id, m]));
    assert.equal(byId.get(ids[0])!.submission.metadata.file_path, 'corpus/test.txt');
    assert.equal(byId.get(ids[1])!.submission.files[0]!.sha256, sha256(text));
    assert.equal(byId.get(ids[2])!.submission.files[0]!.name, 'data.json');
    assert.equal(byId.get(ids[2])!.submission.files[0]!.sha256, sha256(readFileSync(join(CORPUS, 'test.json'))));
    assert.equal(byId.get(ids[3])!.submission.files[0]!.sha256, sha256(exeBytes));
    assert.equal(byId.get(ids[3])!.submission.metadata.type, 'SDK_TEST');
    assert.equal(await client.ingest.getMessage(nq), null);
    await assert.rejects(client.ingest({ fname: 'x' }), (err: ClientError) => err instanceof ClientError && /exactly one/.test(err.message));
    await assert.rejects(client.ingest({ path: join(dir, 'missing') }), /does not exist/);
  });

  it('submission: get, full, summary, tree, completion, file, list and delete', async () => {
    const sub = await client.submission(exe.sid);
    assert.equal(sub.sid, exe.sid);
    const full = await client.submission.full(exe.sid);
    assert.deepEqual(Object.keys(full.results).sort(), [...sub.results].sort());
    assert.ok(full.file_infos[exe.files[0]!.sha256]);
    const summary = await client.submission.summary(exe.sid);
    assert.ok('tags' in summary && 'map' in summary);
    const tree = await client.submission.tree(zip.sid);
    const [root] = Object.values(tree.tree);
    assert.deepEqual(root!.name, ['bundle.zip']);
    assert.ok(Object.keys(root!.children).length > 0, 'the zip was extracted');
    assert.equal(await client.submission.isCompleted(exe.sid), true);
    const file = await client.submission.file(exe.sid, exe.files[0]!.sha256);
    assert.equal(file.file_info.sha256, exe.files[0]!.sha256);
    assert.ok(file.results.length > 0);
    const mine = await client.submission.list({ user: 'admin', rows: 100 });
    assert.ok(mine.items.some((i) => i.sid === exe.sid));
    const all = await client.submission.list({ rows: 100 });
    assert.ok(all.items.some((i) => i.sid === zip.sid));
    assert.equal((await client.submission.setVerdict(exe.sid, 'malicious')).success, true);
    assert.deepEqual((await client.submission(exe.sid)).verdict, { malicious: ['admin'], non_malicious: [] });
    await client.submission.setVerdict(exe.sid, 'non_malicious');
    assert.deepEqual((await client.submission(exe.sid)).verdict, { malicious: [], non_malicious: ['admin'] });

    const doomed = await client.submit({ content: 'to be deleted', fname: 'doomed.txt', wait: true });
    assert.equal((await client.submission.delete(doomed.sid)).success, true);
    await assert.rejects(client.submission(doomed.sid), is404);
  });

  it('file: info, downloads in three encodings, text views, children, results and score', async () => {
    const sha = exe.files[0]!.sha256;
    const info = await client.file.info(sha);
    assert.equal(info.size, exeBytes.length);
    assert.equal(info.md5, createHash('md5').update(exeBytes).digest('hex'));
    const cart = await client.file.download(sha);
    assert.equal(cart.subarray(0, 4).toString(), 'CART');
    assert.ok((await client.file.download(sha, { encoding: 'raw' })).equals(exeBytes));
    const zipped = await client.file.download(sha, { encoding: 'zip', password: 'infected' });
    assert.equal(zipped.subarray(0, 2).toString(), 'PK');
    const out = join(dir, 'raw.bin');
    assert.equal(await client.file.downloadTo(sha, out, { encoding: 'raw' }), out);
    assert.ok(readFileSync(out).equals(exeBytes));
    const strings = await client.file.strings(sha, { len: 8 });
    assert.match(strings.content, /This program cannot be run in DOS mode/);
    const hex = await client.file.hex(sha, { length: 16 });
    assert.match(hex.content, /^00000000:? +4d 5a/i);
    assert.match((await client.file.hex(sha, { bytesOnly: true })).content, /^4d ?5a/i);
    assert.match((await client.file.ascii(sha)).content, /^MZ/);
    const zipSha = zip.files[0]!.sha256;
    const children = await client.file.children(zipSha);
    assert.ok(children.length > 0);
    assert.ok(children.every((c) => /^[0-9a-f]{64}$/.test(c.sha256) && c.name));
    const results = await client.file.result(sha);
    assert.ok(results.results.some((r) => r.response.service_name === 'PE'));
    const pe = await client.file.result(sha, 'PE');
    assert.ok(pe.results.every((r) => r.response.service_name === 'PE'));
    const score = await client.file.score(sha);
    assert.equal(score.file_info.sha256, sha);
    assert.equal(typeof score.score, 'number');
    assert.ok(score.result_keys.length > 0);
  });

  it('result: by key, errors, several at once', async () => {
    const [key] = exe.results;
    const r = await client.result(key!);
    assert.equal(r.sha256, exe.files[0]!.sha256);
    assert.ok(Array.isArray(r.result.sections));
    const missing = `${'0'.repeat(64)}.Nothing.v1_0_0.c0000000000`;
    await assert.rejects(client.result.error(missing), is404);
    const many = await client.result.multipleKeys({ result: exe.results, error: [missing] });
    assert.deepEqual(Object.keys(many.result).sort(), [...exe.results].sort());
    assert.deepEqual(many.error, {});
    const errors = await client.error.list({ query: '*:*', rows: 5 });
    assert.ok(typeof errors.total === 'number' && Array.isArray(errors.items));
  });

  it('alert: an unknown alert is a 404 ClientError', async () => {
    await assert.rejects(client.alert('no-such-alert'), is404);
  });

  it('safelist and badlist: add, read, disable and delete', async () => {
    const item = { type: 'file' as const, hashes: { sha256: sha256(Buffer.from('listed')) }, sources: [{ name: 'admin', reason: ['test'], type: 'user' as const }] };
    for (const list of [client.safelist, client.badlist]) {
      const added = await list.add(item);
      assert.equal(added.success, true);
      assert.equal(added.op, 'add');
      const got = await list(item.hashes.sha256);
      assert.equal(got.hashes?.sha256, item.hashes.sha256);
      assert.equal((await list.setEnabled(added.hash, false)).success, true);
      assert.equal((await list(item.hashes.sha256)).enabled, false);
      assert.equal((await list.delete(added.hash)).success, true);
      await assert.rejects(list(item.hashes.sha256), is404);
    }
  });

  it('signature: add, read, change status, statistics, download, delete', async () => {
    const rule = { name: 'sdk_test_rule', type: 'yara', source: 'sdk', data: 'rule sdk_test_rule { strings: $a = "sdk-marker" condition: $a }' };
    const added = await client.signature.addUpdate(rule);
    assert.equal(added.success, true);
    const sig = await client.signature(added.signature_id);
    assert.equal(sig.name, 'sdk_test_rule');
    assert.equal((await client.signature.changeStatus(added.signature_id, 'DISABLED')).success, true);
    assert.equal((await client.signature(added.signature_id)).status, 'DISABLED');
    assert.ok(Array.isArray(await client.signature.stats()));
    const bundle = await client.signature.download({ query: 'source:sdk' });
    assert.equal(bundle.subarray(0, 2).toString(), 'PK');
    assert.equal((await client.signature.delete(added.signature_id)).success, true);
    await assert.rejects(client.signature(added.signature_id), is404);
  });

  it('user and apikey: profile, settings, submission parameters, and a key that works at once', async () => {
    assert.equal((await client.user.whoami()).username, 'admin');
    assert.equal((await client.user('admin')).uname, 'admin');
    const list = await client.user.list();
    assert.ok(list.items.some((u) => u.uname === 'admin'));
    const params = await client.user.submissionParams('admin');
    assert.equal(typeof params.priority, 'number');
    assert.ok('download_encoding' in (await client.user.settings('admin')));

    const key = await client.apikey.add({ keyName: 'sdkreader', priv: ['R'] });
    assert.match(key.keypassword, /^sdkreader:/);
    const reader = new Client({ url: s.url, apikey: { user: 'admin', key: key.keypassword }, insecure: true });
    assert.equal((await reader.file.info(exe.files[0]!.sha256)).sha256, exe.files[0]!.sha256);
    await assert.rejects(reader.submit({ content: 'x', fname: 'x.txt' }), (err: ClientError) => err.status === 403);
    assert.ok((await client.apikey.listByUser('admin')).some((k) => k.key_name === 'sdkreader'));
    assert.equal((await client.apikey.get(key.id)).key_name, 'sdkreader');
    assert.equal((await client.apikey.delete(key.id)).success, true);
    await assert.rejects(reader.user.whoami(), (err: ClientError) => err.status === 401);
    reader.close();
  });

  it('help, service, heuristics and live', async () => {
    const conf = await client.help.configuration();
    assert.ok('submission.max_file_size' in conf);
    const constants = await client.help.constants();
    assert.equal(typeof constants.max_priority, 'number');
    const c12n = await client.help.classificationDefinition();
    assert.equal(c12n.unrestricted, 'TLP:C');
    const tos = await client.help.tos();
    assert.ok(tos === null || typeof tos === 'string');
    const svcs = await client.service.list();
    assert.deepEqual(svcs.map((x) => x.name).sort(), ['Characterize', 'Extract', 'FrankenStrings', 'PE']);
    assert.equal((await client.service('PE')).name, 'PE');
    await assert.rejects(client.service('NoSuchService'), is404);
    const heur = await client.heuristics('EXTRACT.1');
    assert.equal(heur.heur_id, 'EXTRACT.1');
    assert.deepEqual(await client.live.outstandingServices(exe.sid), {});
    await assert.rejects(client.live.setupWatchQueue(exe.sid), is404);
  });

  it('the less common calls: accounts, bulk lists, errors, statistics, report, dynamic resubmission, purge', async () => {
    assert.equal((await client.user.add('bob', { name: 'Bob', password: 'bob-password-123', type: ['user'] })).success, true);
    assert.equal((await client.user.update('bob', { name: 'Robert' })).success, true);
    assert.equal((await client.user('bob')).name, 'Robert');
    assert.equal((await client.user.delete('bob')).success, true);
    await assert.rejects(client.user('bob'), is404);

    const items = ['one', 'two'].map((v) => ({ type: 'file' as const, hashes: { sha256: sha256(Buffer.from(v)) }, sources: [{ name: 'admin', reason: ['bulk'], type: 'user' as const }] }));
    assert.equal((await client.safelist.addUpdateMany(items)).success, 2);
    const rules = ['bulk_a', 'bulk_b'].map((name) => ({ name, type: 'yara', source: 'bulk', data: `rule ${name} { condition: false }` }));
    const many = await client.signature.addUpdateMany('bulk', 'yara', rules);
    assert.equal(many.success, 2);
    const [first] = (await client.search.signature('source:bulk', { fl: 'id,name' })).items;
    assert.equal((await client.signature.clearStatus(String(first!.id))).success, true);

    await assert.rejects(client.error(`${'0'.repeat(64)}.Nothing.v1_0_0.c0000000000.e21`), is404);
    assert.ok(Array.isArray(await client.heuristics.stats()));
    const report = await client.submission.report(exe.sid);
    assert.equal(report.sid, exe.sid);

    const dynamic = await client.submit.dynamic(exe.files[0]!.sha256);
    assert.notEqual(dynamic.sid, exe.sid);
    await client.submission.waitForCompletion(dynamic.sid, { intervalMs: 200 });

    const doomed = await client.submit({ content: 'purge me', fname: 'purge.txt', wait: true });
    assert.equal((await client.file.deleteFromFilestore(doomed.files[0]!.sha256)).success, true);
    await assert.rejects(client.file.download(doomed.files[0]!.sha256, { encoding: 'raw' }), is404);
  });
});
