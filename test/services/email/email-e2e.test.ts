// End to end through the real server with the built-in analysers: an e-mail whose zip attachment is protected
// by a password written in the body. The e-mail analyser extracts the zip and shares the password, Extract
// opens the zip with it, and the file tree shows e-mail → zip → inner file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ingestAndWait, pythonClientSession } from '../../helpers/raw.js';
import { ADMIN_APIKEY, startTestServer, type TestServer } from '../../helpers/server.js';
import { INNER_NAME, ZIP_PASSWORD, emlWithZip, protectedZip } from './build.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('E-mail with a protected zip, end to end', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(async () => {
    await s.stop();
  });

  it('extracts the zip from the e-mail and opens it with the password from the body', { timeout: 120_000 }, async () => {
    const bytes = emlWithZip(await protectedZip());
    const client = await pythonClientSession(s.url, 'admin', ADMIN_APIKEY);
    const msg = await ingestAndWait(client, 'overdue.eml', bytes, 'email-e2e');
    const sid = msg.submission.sid;
    const tree = (await client.get(`/api/v4/submission/tree/${sid}/`)).body.api_response.tree;
    const [eml] = Object.values(tree) as any[];
    assert.deepEqual(eml.name, ['overdue.eml']);
    assert.equal(eml.type, 'document/email');
    const children = Object.values(eml.children) as any[];
    const zip = children.find((c) => c.name.includes('invoice_8841.zip'));
    assert.ok(zip, `zip child in ${JSON.stringify(children.map((c) => c.name))}`);
    assert.equal(zip.type, 'archive/zip');
    assert.ok(children.some((c) => c.name.includes('body.html')), 'the HTML body is a child too');
    const [inner] = Object.values(zip.children) as any[];
    assert.ok(inner, 'Extract opened the zip');
    assert.deepEqual(inner.name, [INNER_NAME]);

    // Extract's own result says which password opened the archive.
    const full = (await client.get(`/api/v4/submission/full/${sid}/`)).body.api_response;
    const extractResult = Object.entries(full.results).find(([k]) => k.startsWith(`${zip.sha256}.Extract`))?.[1] as any;
    assert.ok(extractResult, `Extract result for the zip among ${Object.keys(full.results).join(', ')}`);
    const found = extractResult.result.sections.find((x: any) => x.title_text === 'Password found');
    assert.ok(found, 'password section');
    assert.match(found.body, new RegExp(ZIP_PASSWORD.replace(/[!]/g, '\\$&')));
  });
});
