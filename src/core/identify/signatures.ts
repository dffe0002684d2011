// Signatures Assemblyline adds on top of libmagic. They take priority over libmagic's own answer
// because they are either more specific (OneNote, MHTML, WSF) or describe formats libmagic does
// not know (CaRT, Assemblyline URI files, quarantine containers).
import { cartLabel } from './archives.js';
import { FileView, hasBytes, indexOfBytes, latin1, u16be, u32be } from './source.js';
import { uriFileLabel, URI_FILE_PREFIX } from './text.js';

const ONENOTE_SECTION = [0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3];
const ONENOTE_TOC = [0xa1, 0x2f, 0xff, 0x43, 0xd9, 0xef, 0x76, 0x4c, 0x9e, 0xe2, 0x10, 0xea, 0x57, 0x22, 0x76, 0x5f];

// Fixed prefixes: [bytes at offset 0, label].
const PREFIXES: [string | number[], string][] = [
  ['IDA1\0\0', 'code/ida'],
  ['JFIF\0\x01', 'image/jpg'],
  ['{\\rt', 'document/office/rtf'],
  ['ZWS', 'archive/audiovisual/flash'],
  ['CWS', 'archive/audiovisual/flash'],
  ['FWS', 'audiovisual/flash'],
  [ONENOTE_SECTION, 'document/office/onenote'],
  [ONENOTE_TOC, 'document/office/onenote'],
  ['\x03\0\x08\0', 'android/xml'],
  ['\x02\0\x0c\0', 'android/resource'],
  ['dex\n', 'android/dex'],
  ['Manifest-Version:', 'java/manifest'],
  ['Signature-Version:', 'java/signature'],
  ['\x001jbdiff', 'java/jbdiff'],
  ['SQLite format ', 'db/sqlite'],
  ['DKIM-Signature:', 'document/email'],
  ['AhnLab Inc. 2006', 'quarantine/ahnlab'],
  ['-chest- ', 'quarantine/avast'],
  ['AntiVir Qua', 'quarantine/avira'],
  [[0xdb, 0xe8, 0xc5, 0x01], 'quarantine/windowsdefender'],
  [[0x0b, 0xad], 'quarantine/windowsdefender'],
  ['[InternetShortcut]', 'shortcut/web'],
  // Headers that Assemblyline services write on files they extract, to pin the type.
  ['REM Batch extracted by Assemblyline\n', 'code/batch'],
  ['#!/usr/bin/env pwsh\n', 'code/ps1'],
  ['XXEncode  0.0 (PowerArchiver 2009: www.powerarchiver.com)', 'archive/xxe'],
  ['UUEncode  0.0 (PowerArchiver 2009: www.powerarchiver.com)', 'archive/uue'],
  ['{"odm_type": "Assemblyline Result Ontology"', 'assemblyline/ontology'],
  ['MDMP', 'metadata/minidump'],
  ['#!/bin/python', 'code/python'],
  ['#!/usr/bin/python', 'code/python'],
  ['#!/usr/local/bin/python', 'code/python'],
  ['#!/usr/bin/env python', 'code/python'],
];

const VBE_START = /^#@~\^[^=]{6}==/;
const MHTML_START = /^.{0,10}(Subject|MIME)/s;

/** Custom signature label, or undefined to let libmagic decide. */
export function signatureLabel(view: FileView): string | undefined {
  const h = view.header;
  if (h.length === 0) return undefined;
  const cart = cartLabel(view);
  if (cart) return cart;
  if (hasBytes(h, 0, URI_FILE_PREFIX)) return uriFileLabel(h);
  for (const [sig, label] of PREFIXES) if (hasBytes(h, 0, sig)) return label;

  if (hasBytes(h, 4, '\xef\xbe\xad\xdeNullsoftInst')) return 'archive/nsis';
  if (hasBytes(h, 0, '#@~^') && VBE_START.test(latin1(h, 0, 16))) return 'code/vbe';
  if (u16be(h, 0) === 0x3c4d && u16be(h, 2) === 0xa1b2) return 'network/tcpdump';

  const pickle = pickleLabel(view);
  if (pickle) return pickle;
  return markupLabel(h);
}

// Pickles start with the PROTO opcode and always end with STOP ('.').
function pickleLabel(view: FileView): string | undefined {
  const h = view.header;
  if (h.length < 3 || h[0] !== 0x80 || h[1] < 2 || h[1] > 5) return undefined;
  if (h[1] >= 4 && h[2] !== 0x95) return undefined;
  const last = view.tail(1);
  return last && last[0] === 0x2e ? `resource/pickle/v${h[1]}` : undefined;
}

/** Text-based custom signatures that look a short distance into the file. */
function markupLabel(h: Uint8Array): string | undefined {
  // Only text can match any of these; skip the work for files that start like a binary.
  const c = h[0];
  if (c < 0x09 || (c > 0x0d && c < 0x20) || (c >= 0x7f && c !== 0xef && c !== 0xff && c !== 0xfe)) return undefined;
  const head = latin1(h, 0, 0x400);

  if (MHTML_START.test(head)) {
    const mp = head.indexOf('multipart/related', 0x10);
    if (mp >= 0 && mp < 0x110 && head.indexOf('urn:schemas-microsoft-com:office', 0x50) >= 0) {
      return 'document/office/mhtml';
    }
  }
  const mso = head.indexOf('<?mso-application progid="Word.Document"?>');
  if (mso >= 0 && mso < 0x100) return 'document/office/word';

  const project = head.indexOf('<Project');
  if (project >= 0 && project < 0x40) {
    const ns = head.indexOf('http://schemas.microsoft.com/developer/msbuild', project);
    if (ns >= 0 && ns - project < 0x48) return 'code/xml/msbuild';
  }
  for (const [tag, label] of [['<job', 'code/wsf'], ['<component', 'code/wsc']] as const) {
    const at = head.indexOf(tag);
    if (at >= 0 && at < 0x40) {
      const script = head.indexOf('<script language', at);
      if (script >= 0 && script - at < 0x48) return label;
    }
  }
  if (!hasBytes(h, 0, 'PK\x03\x04')) {
    const ev = head.indexOf('<Event xmlns=');
    if (ev >= 0 && ev < 0x70) {
      const rest = head.slice(ev + 13, ev + 13 + 60);
      if (/^["']http:\/\/schemas\.microsoft\.com\/win\/2004\/08\/events\/event["']>/.test(rest)) {
        return 'metadata/sysmon/xml';
      }
    }
  }
  const ct = head.indexOf('Content-Type: multipart/');
  if (ct >= 0 && ct < 300) {
    const boundary = head.indexOf('------MultipartBoundary--', ct);
    if (boundary >= 0 && boundary - ct < 324) return 'document/email';
  }
  if (hasBytes(h, 0, 'begin')) {
    const window = head.slice(5, 55);
    if (window.includes('\nh')) return 'archive/xxe';
    if (window.includes('\nM')) return 'archive/uue';
  }
  return undefined;
}

const OID_SIGNED_DATA = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0];

/**
 * DER-encoded certificates. PKCS#7 signed data keeps Assemblyline's label; a bare X.509
 * certificate (SEQUENCE { SEQUENCE tbsCertificate { [0] version ... } }) gets its own.
 */
export function certificateLabel(h: Uint8Array, size: number): string | undefined {
  if (h.length < 16 || h[0] !== 0x30) return undefined;
  const oid = indexOfBytes(h, Uint8Array.from(OID_SIGNED_DATA), 0, 0x20 + OID_SIGNED_DATA.length);
  if (oid >= 0) return 'certificate/rsa';
  // Outer and inner SEQUENCE with long-form lengths, then either the explicit version tag or the
  // serial number INTEGER of a v1 certificate.
  const inner = skipHeader(h, 0);
  if (inner < 0 || h[inner] !== 0x30) return undefined;
  const body = skipHeader(h, inner);
  if (body < 0) return undefined;
  if (hasBytes(h, body, [0xa0, 0x03, 0x02, 0x01]) || h[body] === 0x02) {
    // The outer length must account for the whole structure, which rules out random binaries.
    const total = derLength(h, 0);
    return total > 64 && total <= size ? 'certificate/x509' : undefined;
  }
  return undefined;
}

function skipHeader(h: Uint8Array, o: number): number {
  const len = h[o + 1];
  if (len === undefined) return -1;
  if (len < 0x80) return o + 2;
  const n = len & 0x7f;
  return n >= 1 && n <= 4 ? o + 2 + n : -1;
}

function derLength(h: Uint8Array, o: number): number {
  const len = h[o + 1];
  if (len < 0x80) return len + 2;
  const n = len & 0x7f;
  if (n === 1) return h[o + 2] + 3;
  if (n === 2) return u16be(h, o + 2) + 4;
  if (n === 4) return u32be(h, o + 2) + 6;
  return -1;
}
