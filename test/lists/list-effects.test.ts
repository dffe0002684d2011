// What a list edit changes in the analysis, through a running server: a safelisted tag moves to the section's
// safelisted tags, a safelisted file is dropped by the Safelist filter before any other analyser sees it, and a
// badlisted file scores 1000, each on the next submission after the API answered.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/cli.js';
import { adminHeaders, call, startTestServer, type TestServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('list edits take effect on the next analysis', () => {
  let s: TestServer;
  // The list filters alone, beside the test scorer, so results depend on nothing else.
  const services = mkdtempSync(join(tmpdir(), 'assay-list-services-'));

  before(async () => {
    for (const name of ['safelist', 'badlist']) symlinkSync(join(ROOT, 'src', 'services', name), join(services, name));
    s = await startTestServer({ config: { services: { paths: [services, join(ROOT, 'test', 'fixtures', 'pipeline')], workers: 2 } } });
  });
  after(async () => {
    await s.stop();
    rmSync(services, { recursive: true, force: true });
  });

  const api = (path: string, init: Parameters<typeof call>[2] = {}) =>
    call(s.url, path, { ...init, headers: { ...adminHeaders, ...(init.headers ?? {}) } });

  /** Submits text, waits for the analysis and returns the full submission. */
  async function analyse(text: string): Promise<any> {
    const r = await api('/api/v4/submit/', {
      method: 'POST',
      json: { name: 'sample.txt', plaintext: text, params: { ignore_cache: true } },
    });
    assert.equal(r.status, 200, r.text);
    const sid = r.body.api_response.sid;
    for (let i = 0; i < 300; i++) {
      if ((await api(`/api/v4/submission/is_completed/${sid}/`)).body.api_response === true) break;
      await sleep(50);
    }
    return (await api(`/api/v4/submission/full/${sid}/`)).body.api_response;
  }

  const resultOf = (full: any, service: string) =>
    Object.values(full.results as Record<string, any>).find((x) => x.response.service_name === service);

  it('moves a safelisted tag out of the reported tags', async () => {
    const text = 'beacons to c2.example and cdn.example SUSPICIOUS';
    let scorer = resultOf(await analyse(text), 'Scorer');
    const tags = (sc: any) => sc.result.sections[0].tags.map((t: any) => `${t.value}${t.safelisted ? ' (safelisted)' : ''}`).sort();
    assert.deepEqual(tags(scorer), ['c2.example', 'cdn.example']);

    const r = await api('/api/v4/safelist/', {
      method: 'PUT',
      json: { type: 'tag', tag: { type: 'network.static.domain', value: 'cdn.example' }, sources: [{ name: 'admin', type: 'user', reason: ['Our CDN'] }] },
    });
    assert.equal(r.status, 200, r.text);
    scorer = resultOf(await analyse(text), 'Scorer');
    assert.deepEqual(tags(scorer), ['c2.example', 'cdn.example (safelisted)']);
  });

  it('drops a safelisted file before the other analysers', async () => {
    const text = 'vendor installer notes, EVIL in name only';
    assert.equal((await analyse(text)).max_score, 1000);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const r = await api('/api/v4/safelist/', {
      method: 'PUT',
      json: { type: 'file', hashes: { sha256 }, sources: [{ name: 'admin', type: 'user', reason: ['Vendor file'] }] },
    });
    assert.equal(r.status, 200, r.text);
    const full = await analyse(text);
    assert.equal(full.max_score, 0);
    assert.equal(resultOf(full, 'Scorer'), undefined, 'Scorer did not run');
    assert.equal(resultOf(full, 'Safelist').result.sections[0].title_text, 'This file is safelisted');

    // Disabling the item lets the file through again.
    assert.equal((await api(`/api/v4/safelist/enable/${sha256}/`, { method: 'PUT', json: false })).status, 200);
    assert.equal((await analyse(text)).max_score, 1000);
  });

  it('scores a badlisted file 1000', async () => {
    const text = 'an ordinary looking note';
    assert.equal((await analyse(text)).max_score, 0);
    const md5 = createHash('md5').update(text).digest('hex');
    const r = await api('/api/v4/badlist/', {
      method: 'PUT',
      json: { type: 'file', hashes: { md5 }, attribution: { family: ['Emotet'] }, sources: [{ name: 'admin', type: 'user', reason: ['Dropper'] }] },
    });
    assert.equal(r.status, 200, r.text);
    const full = await analyse(text);
    assert.equal(full.max_score, 1000);
    assert.ok(resultOf(full, 'Badlist'));
  });
});
