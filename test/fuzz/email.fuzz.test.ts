// E-mail: execute() turns any .eml or .msg look-alike into a well-formed output (a message the parsers refuse
// is reported as unparsable), and the header, link and password readers of this service never throw on any
// text: they run on what the parsers return, so they must hold whatever the parsers let through.
import { describe } from 'node:test';
import fc from 'fast-check';
import * as email from '../../src/services/email/index.js';
import { parseAuthResults, parseHeaderBlock, parseReceived } from '../../src/services/email/headers.js';
import { decodeEntities, findPasswords } from '../../src/services/email/passwords.js';
import { htmlToText } from '../../src/services/email/report.js';
import { findLinks } from '../../src/services/email/urls.js';
import { buildMsg, emlWithAttachedMessage, emlWithZip, protectedZip } from '../services/email/build.js';
import { FuzzInput, fuzzer, keepPrefix, mutatedInput, randomInput, type Seed } from './harness.js';
import { seed, strelkaSeeds } from './seeds.js';
import { runService } from './service.js';

const msg = buildMsg({
  subject: 'Invoice', senderName: 'Alice', senderEmail: 'alice@example.com', body: 'password: Xy7!k2 see http://evil.example.com/x',
  to: [{ name: 'Bob', email: 'bob@example.org' }], headers: 'Received: from a.example.com (a [203.0.113.5]) by b\r\nAuthentication-Results: mx; spf=fail\r\n',
  attachments: [{ name: 'a.zip', data: Buffer.from('PK\x03\x04') }],
});
const emlSeeds: Seed[] = [
  seed('zip.eml', emlWithZip(await protectedZip())), seed('forward.eml', emlWithAttachedMessage()),
  ...strelkaSeeds([
    'test.eml', 'test_broken.eml', 'test_email_complex_recipients.eml', 'test_email_encoded_headers.eml', 'test_email_gateway_links.eml',
    'test_email_group_syntax.eml', 'test_email_link_stress.eml', 'test_email_malformed_addresses.eml', 'test_email_special_cases.eml',
    'test_headers.eml', 'test_headers_multihop.eml', 'test_links.eml',
  ], 128 * 1024),
];
const msgSeeds: Seed[] = [seed('mail.msg', msg)];

function readers(input: FuzzInput): void {
  const text = input.buffer.toString('latin1');
  const headers = parseHeaderBlock(text);
  parseReceived(headers.filter((h) => /^received$/i.test(h.name)).map((h) => h.value));
  parseAuthResults(headers);
  findLinks(text, text);
  findPasswords(text, text);
  htmlToText(text);
  decodeEntities(text);
}

const property = fuzzer('email');
const eml = (input: FuzzInput) => runService(email, input.bytes, { fileType: 'document/email', fileName: 'mail.eml' });
const outlook = (input: FuzzInput) => runService(email, input.bytes, { fileType: 'document/office/email', fileName: 'mail.msg' });

describe('fuzz: e-mail', () => {
  property('header and body readers on random text', fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => new FuzzInput(Buffer.from(s, 'latin1'), 'random text')), readers, { caseMs: 5000, runsFactor: 10 });
  property('header and body readers on mutated messages', mutatedInput(emlSeeds), readers, { caseMs: 5000, runsFactor: 10 });
  property('execute on random bytes', randomInput({ prefixes: ['From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n'] }), eml, { caseMs: 30_000, runsFactor: 2 });
  property('execute on mutated .eml', mutatedInput(emlSeeds), eml, { caseMs: 30_000, weight: 3 });
  property('execute on mutated .msg', mutatedInput(msgSeeds, { repair: keepPrefix(8) }), outlook, { caseMs: 30_000, weight: 2 });
});
