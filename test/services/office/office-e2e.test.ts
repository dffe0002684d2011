// End to end through the real server with the built-in analysers: a Word document whose AutoOpen macro runs an
// encoded PowerShell command is ingested like a sensor would, identified as Word, scored malicious, and its
// macro source appears as a child in the file tree.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ingestAndWait, pythonClientSession } from '../../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../../helpers/server.js';
import { autoOpenDocument } from './build.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AutoOpen macro document, end to end', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(async () => {
    await s.stop();
  });

  it('scores in the malicious band with the macro extracted', { timeout: 120_000 }, async () => {
    const bytes = autoOpenDocument();
    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const msg = await ingestAndWait(client, 'invoice.doc', bytes, 'office');
    console.log(`AutoOpen document end to end: submission score ${msg.score}`);
    assert.ok(msg.score >= 1000, `score ${msg.score}`);
    const tree = (await client.get(`/api/v4/submission/tree/${msg.submission.sid}/`)).body.api_response.tree;
    const [doc] = Object.values(tree) as any[];
    assert.equal(doc.type, 'document/office/word');
    assert.ok(doc.score >= 1000, `document score ${doc.score}`);
    // The Office analyser's own result carries the verdict, not only the analysers run after it.
    const sha = Object.keys(tree)[0]!;
    const file = (await client.get(`/api/v4/submission/${msg.submission.sid}/file/${sha}/`)).body.api_response;
    const office = file.results.find((x: any) => x.response.service_name === 'Office');
    assert.ok(office, 'Office result present');
    console.log(`Office result score ${office.result.score}`);
    assert.ok(office.result.score >= 1000, `Office score ${office.result.score}`);
    const children = Object.values(doc.children) as any[];
    assert.ok(children.some((c) => c.name.includes('NewMacros.vba')), JSON.stringify(children.map((c) => c.name)));
  });
});
