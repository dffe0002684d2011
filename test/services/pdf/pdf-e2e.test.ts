// End to end through the real server with the built-in analysers: a PDF whose OpenAction runs JavaScript lands
// at suspicious or worse, and its scripts appear in the file tree as children.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ingestAndWait, pythonClientSession } from '../../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../../helpers/server.js';
import { openActionPdf } from './build.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PDF with OpenAction JavaScript, end to end', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(async () => {
    await s.stop();
  });

  it('scores at least 300 and shows the scripts as children', { timeout: 120_000 }, async () => {
    const bytes = await openActionPdf();
    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const msg = await ingestAndWait(client, 'invoice.pdf', bytes, 'pdf-e2e');
    assert.ok(msg.score >= 300, `score ${msg.score}`);
    const tree = (await client.get(`/api/v4/submission/tree/${msg.submission.sid}/`)).body.api_response.tree;
    const [pdf] = Object.values(tree) as any[];
    assert.equal(pdf.type, 'document/pdf');
    assert.ok(pdf.score >= 300, `file score ${pdf.score}`);
    const names = (Object.values(pdf.children) as any[]).flatMap((c) => c.name).sort();
    assert.deepEqual(names, ['javascript_1.js', 'javascript_2.js']);
  });
});
