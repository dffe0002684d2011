// The e-mail analyser on the strelka fixtures (whose whole outputs the golden tests pin) and on messages built
// here: an .eml carrying a protected zip with its password in the body, an Outlook .msg built with cfb (with an
// attachment and an embedded message), password phrasing in several languages, and damaged input.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceOutput } from '../../../src/sdk/index.js';
import { createIdentifier } from '../../../src/core/identify/index.js';
import { validateManifest } from '../../../src/core/runtime/manifest.js';
import { execute, manifest } from '../../../src/services/email/index.js';
import { parseAuthResults, parseHeaderBlock, parseReceived } from '../../../src/services/email/headers.js';
import { findPasswords } from '../../../src/services/email/passwords.js';
import { passwordCandidates } from '../../../src/sdk/passwords.js';
import { allTags, heuristicIds, makeTask, runFile, runOn, tempDir } from '../../helpers/service.js';
import { listInputs } from '../../helpers/testdata.js';
import { ZIP_PASSWORD, buildMsg, emlWithAttachedMessage, emlWithMsg, emlWithZip, protectedZip, type MsgSpec } from './build.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = resolve(root, '../shared/corpus/strelka-fixtures');
const isCI = process.env.CI === 'true';

let scratch: { dir: string; cleanup: () => Promise<void> };
before(async () => { scratch = await tempDir('email-test-'); });
after(async () => { await scratch.cleanup(); });

const section = (out: ServiceOutput, title: RegExp) => out.sections.find((s) => title.test(s.title));

describe('Email manifest', () => {
  it('is valid, runs at EXTRACT and takes .eml and .msg types', () => {
    validateManifest(manifest);
    assert.equal(manifest.stage, 'EXTRACT');
    for (const t of ['document/email', 'document/office/email']) assert.match(t, new RegExp(`^(${manifest.accepts})$`));
  });
});

describe('Email header parsing', () => {
  it('unfolds headers and reads Received hops oldest first, preferring the address the relay saw', () => {
    const h = parseHeaderBlock([
      'Received: from mx2.example.org (mx2.example.org [198.51.100.2])',
      '\tby mx.corp.example.com with ESMTPS id 1; Tue, 02 Jun 2026 09:00:02 +0000',
      'Received: from helo.example (unknown [IPv6:2001:db8::7]) by mx2.example.org; Tue, 02 Jun 2026 09:00:01 +0000',
      'Subject: x', '', 'Received: in the body, not a header',
    ].join('\r\n'));
    assert.equal(h.length, 3);
    const hops = parseReceived(h.filter((x) => x.name === 'Received').map((x) => x.value));
    assert.deepEqual(hops.map((x) => [x.from, x.by, x.ip]), [
      ['helo.example', 'mx2.example.org', '2001:db8::7'],
      ['mx2.example.org', 'mx.corp.example.com', '198.51.100.2'],
    ]);
    assert.equal(hops[1].date, 'Tue, 02 Jun 2026 09:00:02 +0000');
  });
  it('reads SPF, DKIM and DMARC results, ignoring comments', () => {
    const r = parseAuthResults(parseHeaderBlock(
      'Authentication-Results: mx.example; spf=softfail (sender spf=pass claimed) smtp.mailfrom=a.example; dkim=pass header.d=a.example; dmarc=fail\r\nReceived-SPF: SoftFail (x)\r\n\r\n',
    ));
    assert.deepEqual(r.map((x) => `${x.method}=${x.result}`), ['spf=softfail', 'dkim=pass', 'dmarc=fail', 'spf=softfail']);
  });
});

describe('Email password finder', () => {
  const cases: Array<[string, string]> = [
    ['The password is: Xy7!k2', 'Xy7!k2'],
    ['Password: infected.', 'infected'],
    ['pw 4421abc', '4421abc'],
    ['Le mot de passe est : Soleil2026', 'Soleil2026'],
    ['Das Passwort lautet "Kx-99"', 'Kx-99'],
    ['Open it with the password “Hunter2”.', 'Hunter2'],
    ['Use \'q1w2e3\' to open, it is the password.', 'q1w2e3'],
    ['Contraseña: abc123', 'abc123'],
    ['Your password\nZz9yy8', 'Zz9yy8'],
  ];
  it('takes everyday words as keywords only with a separator', () => {
    assert.deepEqual(findPasswords('I will pass the file to you. Source code attached.'), []);
    assert.deepEqual(findPasswords('Code: 98231'), ['98231']);
  });
  for (const [text, pw] of cases) {
    it(`finds ${pw} in ${JSON.stringify(text)}`, () => assert.ok(findPasswords(text).includes(pw), JSON.stringify(findPasswords(text))));
  }
  it('finds a bold word next to "password" in HTML and nothing in a message without one', () => {
    assert.ok(findPasswords('', '<p>Archive password below:</p><p><strong>Pa$$w0rd9</strong></p>').includes('Pa$$w0rd9'));
    assert.deepEqual(findPasswords('Hello, see you at the meeting "tomorrow".'), []);
  });
});

describe('Email strelka fixtures', () => {
  const names = existsSync(fixtures) ? readdirSync(fixtures).filter((f) => f.endsWith('.eml')).sort() : [];
  it('the corpus has the e-mail fixtures, and the golden tests cover each of them', (t) => {
    if (!names.length) {
      if (isCI) assert.fail('corpus missing');
      return t.skip('corpus missing');
    }
    assert.ok(names.length >= 10);
    const covered = new Set(listInputs('email').inputs.flatMap((i) => (i.pointer ? [i.pointer.path] : [])));
    assert.deepEqual(names.filter((n) => !covered.has(`strelka-fixtures/${n}`)), []);
  });
  it('test.eml: attachments extracted with their names, headers tagged', async (t) => {
    if (!names.includes('test.eml')) return t.skip('corpus missing');
    const { dir } = await tempDir('email-fixture-');
    const out = await runFile(execute, join(fixtures, 'test.eml'), dir, 'test.eml', 'document/email');
    assert.deepEqual((out.extracted ?? []).map((e) => e.name), ['body.html', 'image001.jpg', 'test.doc']);
    assert.deepEqual(allTags(out, 'network.email.subject'), ['Lorem Ipsum']);
    assert.ok(allTags(out, 'network.email.address').includes('foo.bar@example.com'));
  });
  it('test_headers_multihop.eml: two hops, and the failures of the lower header do not count', async (t) => {
    if (!names.includes('test_headers_multihop.eml')) return t.skip('corpus missing');
    const { dir } = await tempDir('email-fixture-');
    const out = await runFile(execute, join(fixtures, 'test_headers_multihop.eml'), dir, 'x.eml', 'document/email');
    const hops = section(out, /Received hop/)!.body as Array<{ from: string; ip: string }>;
    assert.deepEqual(hops.map((h) => h.ip), ['203.0.113.55', '198.51.100.20']);
    assert.ok(!heuristicIds(out).includes(3));
  });
});

describe('Email with a protected zip', () => {
  it('extracts the zip and the HTML body, flags the sender, and shares the body password', async () => {
    const zip = await protectedZip();
    const out = await runOn(execute, scratch.dir, 'overdue.eml', 'document/email', emlWithZip(zip));
    const children = out.extracted ?? [];
    assert.deepEqual(children.map((c) => c.name), ['body.html', 'invoice_8841.zip']);
    assert.deepEqual(readFileSync(children[1].path), zip);
    assert.match(readFileSync(children[0].path, 'utf8'), /<b>Xy7!k2<\/b>/);
    assert.deepEqual(out.tempSubmissionData?.passwords, [ZIP_PASSWORD]);
    const ids = heuristicIds(out);
    for (const id of [1, 2, 3, 4]) assert.ok(ids.includes(id), `heuristic ${id} in ${ids.join(',')}`);
    assert.deepEqual(section(out, /^Authentication results$/)!.heuristic!.signatures, { spf_fail: 1, dmarc_fail: 1 });
    assert.deepEqual(allTags(out, 'network.email.subject'), ['Overdue invoice – action required']);
    assert.deepEqual(allTags(out, 'network.email.msg_id'), ['<overdue-8841@bank.example.com>']);
    assert.deepEqual(allTags(out, 'network.email.date'), ['2026-06-01T10:00:00.000Z']);
    assert.deepEqual(allTags(out, 'info.password'), [ZIP_PASSWORD]);
    assert.ok(allTags(out, 'network.static.uri').includes('https://collect.example.net/pay?id=8841&src=mail'));
    // The relays use documentation addresses, which are reserved rather than public: shown, not tagged.
    assert.deepEqual((section(out, /Received hop/)!.body as Array<{ ip: string }>).map((h) => h.ip), ['203.0.113.9', '198.51.100.7']);
    assert.deepEqual(allTags(out, 'network.static.ip'), []);
    // Extract reads the shared password first.
    const next = await makeTask(children[1].path, 'invoice_8841.zip', 'archive/zip');
    next.tempSubmissionData = out.tempSubmissionData!;
    assert.equal(passwordCandidates(next)[0], ZIP_PASSWORD);
  });
});

describe('Email with an attached message', () => {
  it('extracts a message/rfc822 part as an .eml child, which yields its own attachment', async () => {
    const out = await runOn(execute, scratch.dir, 'fw.eml', 'document/email', emlWithAttachedMessage());
    const children = out.extracted ?? [];
    assert.deepEqual(children.map((c) => c.name), ['attached_message_1.eml']);
    assert.match(children[0].description, /^Attached message/);
    const nested = await runFile(execute, children[0].path, await tempDir('email-nested-').then((d) => d.dir), 'attached_message_1.eml', 'document/email');
    assert.deepEqual(allTags(nested, 'network.email.msg_id'), ['<inner-1@partner.example.org>']);
    assert.deepEqual((nested.extracted ?? []).map((c) => c.name), ['notes.txt']);
    // postal-mime keeps the newline that ends the part's text.
    assert.equal(readFileSync(nested.extracted![0].path, 'utf8').trimEnd(), 'inner attachment');
  });
});

describe('Email: Outlook .msg', () => {
  const inner: MsgSpec = {
    subject: 'Original request', senderName: 'Alice', senderEmail: 'alice@partner.example.org', body: 'see attached',
    to: [{ name: 'Eve', email: 'eve@evil.example.com' }], attachments: [{ name: 'inner.txt', data: Buffer.from('inner attachment') }],
  };
  const outer: MsgSpec = {
    subject: 'FW: Original request', senderName: 'Eve', senderEmail: 'eve@evil.example.com',
    body: 'Details in the archive, pw: 7hj2Kq\nhttps://evil.example.com/drop',
    to: [{ name: 'Bob', email: 'bob@corp.example.com' }],
    headers: 'Received: from a.example.com (a.example.com [93.184.216.34]) by b.example.com; Mon, 1 Jun 2026 10:00:00 +0000\r\nFrom: Eve <eve@evil.example.com>\r\nReply-To: <eve.reply@other.example.net>\r\nMessage-ID: <msg-1@evil.example.com>\r\n\r\n',
    attachments: [{ name: 'report.zip', data: Buffer.from('PK\x03\x04 not really a zip', 'latin1') }],
  };
  it('the built .msg and .eml carry the type labels the service accepts', async () => {
    const identifier = await createIdentifier();
    const samples: Array<[string, Buffer, string]> = [
      ['fw.msg', buildMsg(outer, inner), 'document/office/email'],
      ['overdue.eml', emlWithZip(await protectedZip()), 'document/email'],
    ];
    for (const [name, data, label] of samples) {
      const path = join(scratch.dir, name);
      writeFileSync(path, data);
      assert.equal(identifier.identify(data, { size: data.length, name, path }).type, label, name);
    }
  });

  it('reads a cfb-built .msg: headers, recipients, body, attachment and embedded message', async () => {
    const out = await runOn(execute, scratch.dir, 'fw.msg', 'document/office/email', buildMsg(outer, inner));
    const headers = section(out, /^Email headers$/)!.body as Record<string, string>;
    assert.equal(headers.subject, 'FW: Original request');
    assert.equal(headers.to, 'Bob <bob@corp.example.com>');
    assert.equal(headers.format, 'msg');
    const children = out.extracted ?? [];
    assert.deepEqual(children.map((c) => c.name), ['report.zip', 'Original request.msg']);
    assert.equal(readFileSync(children[0].path, 'latin1'), 'PK\x03\x04 not really a zip');
    assert.deepEqual(out.tempSubmissionData?.passwords, ['7hj2Kq']);
    assert.ok(heuristicIds(out).includes(1), 'reply-to mismatch from the transport headers');
    assert.deepEqual(allTags(out, 'network.static.ip'), ['93.184.216.34']);
    assert.deepEqual(allTags(out, 'network.email.msg_id'), ['<msg-1@evil.example.com>']);

    // The embedded message is itself a readable .msg with its own attachment.
    const nested = await runFile(execute, children[1].path, await tempDir('email-nested-').then((d) => d.dir), 'Original request.msg', 'document/office/email');
    assert.equal((section(nested, /^Email headers$/)!.body as Record<string, string>).subject, 'Original request');
    assert.deepEqual((nested.extracted ?? []).map((c) => c.name), ['inner.txt']);
    assert.equal(readFileSync(nested.extracted![0].path, 'utf8'), 'inner attachment');
  });
});

describe('Email with an Outlook item attached', () => {
  it('extracts the .msg under its name, byte for byte, and the .msg analysis reads it', async () => {
    const msg = buildMsg({
      subject: 'Quarterly numbers', senderName: 'Alice', senderEmail: 'alice@partner.example.org', body: 'numbers attached',
      to: [{ name: 'Eve', email: 'eve@evil.example.com' }], attachments: [{ name: 'q3.csv', data: Buffer.from('a,b\n1,2\n') }],
    });
    const out = await runOn(execute, scratch.dir, 'carrier.eml', 'document/email', emlWithMsg(msg, 'Quarterly numbers.msg'));
    const children = out.extracted ?? [];
    assert.deepEqual(children.map((c) => c.name), ['Quarterly numbers.msg']);
    assert.deepEqual(readFileSync(children[0].path), msg);
    const nested = await runFile(execute, children[0].path, await tempDir('email-nested-').then((d) => d.dir), 'Quarterly numbers.msg', 'document/office/email');
    assert.deepEqual((nested.extracted ?? []).map((c) => c.name), ['q3.csv']);
  });
});

describe('Email damaged input', () => {
  it('gives a result, never an exception, for garbage, truncation and a broken .msg', async () => {
    const eml = emlWithZip(await protectedZip());
    const cut = await runOn(execute, scratch.dir, 'cut.eml', 'document/email', eml.subarray(0, Math.floor(eml.length * 0.8)));
    assert.ok(section(cut, /^Email headers$/));
    const junk = await runOn(execute, scratch.dir, 'junk.eml', 'document/email', Buffer.alloc(4096, 0xfe));
    assert.ok(junk.sections.length > 0);
    const msg = buildMsg({ subject: 's', senderName: 'n', senderEmail: 'a@b.example.com', body: 'b', to: [], attachments: [] });
    const broken = await runOn(execute, scratch.dir, 'broken.msg', 'document/office/email', msg.subarray(0, 1024));
    assert.ok(broken.sections.length > 0);
    assert.ok(heuristicIds(broken).includes(5) || section(broken, /^Email headers$/));
  });
});
