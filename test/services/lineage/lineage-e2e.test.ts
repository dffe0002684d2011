// Lineage end to end: a zip inside a zip holding an ELF program, submitted to a real server with the built-in
// analysers. The dispatcher hands each extracted file its chain of ancestors; Lineage names the chain on the
// ELF and scores it as an executable under nested archives, and the ELF analyser reports the program itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { adminHeaders, call, startTestServer, waitForSubmission, type TestServer } from '../../helpers/server.js';


/** A small x86-64 executable: one LOAD segment holding the headers and a few bytes of code. */
function tinyElf(): Buffer {
  const b = Buffer.alloc(64 + 56 + 64, 0x90);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2; b[5] = 1; b[6] = 1; b.fill(0, 7, 16);
  b.writeUInt16LE(2, 16); b.writeUInt16LE(62, 18); b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(0x400000n + 120n, 24); b.writeBigUInt64LE(64n, 32); b.writeBigUInt64LE(0n, 40); b.writeUInt32LE(0, 48);
  b.writeUInt16LE(64, 52); b.writeUInt16LE(56, 54); b.writeUInt16LE(1, 56); b.writeUInt16LE(64, 58); b.writeUInt16LE(0, 60); b.writeUInt16LE(0, 62);
  b.writeUInt32LE(1, 64); b.writeUInt32LE(5, 68); b.writeBigUInt64LE(0n, 72); b.writeBigUInt64LE(0x400000n, 80); b.writeBigUInt64LE(0x400000n, 88);
  b.writeBigUInt64LE(BigInt(b.length), 96); b.writeBigUInt64LE(BigInt(b.length), 104); b.writeBigUInt64LE(0x1000n, 112);
  return b;
}

async function zip(name: string, data: Buffer): Promise<Buffer> {
  const w = new ZipWriter(new Uint8ArrayWriter());
  await w.add(name, new Uint8ArrayReader(data));
  return Buffer.from(await w.close());
}

describe('Lineage through the real pipeline', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ config: { services: { builtin: true, workers: 2 } } });
  });
  after(() => s.stop());

  it('names outer.zip → inner.zip → payload on the ELF and scores the nested-archive executable', { timeout: 180_000 }, async () => {
    const outer = await zip('inner.zip', await zip('payload', tinyElf()));
    const r = await call(s.url, '/api/v4/submit/', {
      method: 'POST', headers: adminHeaders, json: { name: 'outer.zip', base64: outer.toString('base64') },
    });
    assert.equal(r.status, 200, r.text);
    const sid = r.body.api_response.sid;
    const sub = await waitForSubmission(s.url, sid, 120_000);
    assert.equal(sub.state, 'completed');

    const tree = (await call(s.url, `/api/v4/submission/tree/${sid}/`, { headers: adminHeaders })).body.api_response.tree;
    const [top] = Object.values(tree) as any[];
    const [inner] = Object.values(top.children) as any[];
    const [payloadSha, payload] = Object.entries(inner.children)[0] as [string, any];
    assert.deepEqual(payload.name, ['payload']);
    assert.equal(payload.type, 'executable/linux/elf64');

    const file = (await call(s.url, `/api/v4/submission/${sid}/file/${payloadSha}/`, { headers: adminHeaders })).body.api_response;
    const byService = new Map<string, any>(file.results.map((x: any) => [x.response.service_name, x]));
    const lineage = byService.get('Lineage');
    assert.ok(lineage, `services that ran: ${[...byService.keys()].join(', ')}`);
    const [chain, hit] = lineage.result.sections;
    assert.equal(chain.title_text, 'Lineage: ZIP → ZIP → ELF64');
    assert.deepEqual(chain.tags.map((t: any) => [t.type, t.value]), [['file.ancestry', 'archive/zip,ROOT|archive/zip,EXTRACTED|executable/linux/elf64,EXTRACTED']]);
    assert.equal(hit.heuristic.heur_id, 'LINEAGE.1');
    assert.deepEqual(hit.heuristic.signature.map((x: any) => x.name), ['exe_in_nested_archive']);
    assert.equal(hit.heuristic.score, 100);
    assert.equal(lineage.result.score, 100);

    // The ELF analyser ran on the same file in the pipeline.
    const elf = byService.get('ELF');
    assert.ok(elf, 'ELF analysed the payload');
    assert.ok(elf.result.sections.some((x: any) => x.title_text === 'ELF header'));

    // The archives themselves have no executable lineage: the inner zip only has the outer one above it.
    const innerSha = Object.keys(top.children)[0]!;
    const innerFile = (await call(s.url, `/api/v4/submission/${sid}/file/${innerSha}/`, { headers: adminHeaders })).body.api_response;
    const innerLineage = innerFile.results.find((x: any) => x.response.service_name === 'Lineage');
    assert.equal(innerLineage?.result.score ?? 0, 0);
  });
});
