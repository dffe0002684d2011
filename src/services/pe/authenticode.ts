// Authenticode: the PKCS#7 signatures in the certificate table, their signers and chains, and the image digest
// recomputed from the file (everything but the checksum, the security directory entry and the table itself)
// to compare with the digest the signer signed.
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Bytes, u16, u32 } from './bytes.js';
import { ALGORITHMS, certInfo, type CertInfo, DIGESTS } from './certificates.js';
import { DIR, type Headers } from './headers.js';
import type { Section } from './sections.js';

const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 2;
const NESTED_SIGNATURE = '1.3.6.1.4.1.311.2.4.1';
const OPUS_INFO = '1.3.6.1.4.1.311.2.1.12';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const TIMESTAMP_TOKEN = '1.3.6.1.4.1.311.3.3.1';
const MAX_SIGNATURES = 16;

export interface Signature {
  signer?: CertInfo;
  /** Signer first, then each issuer found among the embedded certificates. */
  chain: CertInfo[];
  certificates: CertInfo[];
  digestAlgorithm?: string;
  /** Image digest the signer signed (from SpcIndirectDataContent). */
  digest?: string;
  /** Image digest recomputed from this file with the same algorithm. */
  fileDigest?: string;
  /** The signed image digest matches this file. */
  digestMatches: boolean;
  /** The signer's signature over the signed attributes verifies with its certificate's key. */
  signatureValid?: boolean;
  programName?: string;
  /** The signing certificate is issued by itself. */
  selfSigned: boolean;
  errors: string[];
}

export interface CertificateTable { offset: number; size: number }

export function certificateTable(h: Headers, fileSize: number): CertificateTable | undefined {
  const dir = h.directories[DIR.SECURITY];
  // The security directory holds a file offset, not an RVA.
  if (!dir || dir.virtualAddress === 0 || dir.size === 0 || dir.virtualAddress >= fileSize) return undefined;
  return { offset: dir.virtualAddress, size: Math.min(dir.size, fileSize - dir.virtualAddress) };
}

/** The Authenticode image digest, or undefined when the headers point outside the file. */
export function authenticodeDigest(b: Bytes, h: Headers, sections: Section[], alg: string): string | undefined {
  const table = h.directories[DIR.SECURITY];
  if (!h.optional || !table) return undefined;
  const md = createHash(alg);
  const sizeOfHeaders = h.optional.sizeOfHeaders;
  const ranges: Array<[number, number]> = [
    [0, h.checksumOffset], [h.checksumOffset + 4, h.securityEntryOffset], [h.securityEntryOffset + 8, sizeOfHeaders],
  ];
  let hashed = sizeOfHeaders;
  for (const s of [...sections].sort((a, c) => a.rawOffset - c.rawOffset)) {
    ranges.push([s.rawOffset, s.rawOffset + s.rawSize]);
    hashed += s.rawSize;
  }
  const extra = b.length - table.size - hashed;
  if (extra < 0) return undefined;
  ranges.push([hashed, hashed + extra]);
  for (const [start, end] of ranges) {
    if (start > end || end > b.length || start < 0) return undefined;
    md.update(b.subarray(start, end));
  }
  return md.digest('hex');
}

export function parseSignatures(b: Bytes, h: Headers, sections: Section[]): Signature[] {
  const table = certificateTable(h, b.length);
  if (!table) return [];
  const out: Signature[] = [];
  const digests = new Map<string, string | undefined>();
  const fileDigest = (alg: string) => {
    if (!digests.has(alg)) digests.set(alg, authenticodeDigest(b, h, sections, alg));
    return digests.get(alg);
  };
  // WIN_CERTIFICATE entries, each 8-byte aligned: length, revision, type, then the certificate blob.
  let at = table.offset;
  const end = table.offset + table.size;
  while (at + 8 <= end && out.length < MAX_SIGNATURES) {
    const length = u32(b, at)!;
    const type = u16(b, at + 6)!;
    if (length < 8 || at + length > end) break;
    if (type === WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
      collect(b.subarray(at + 8, at + length), fileDigest, out, 0);
    }
    at += (length + 7) & ~7;
  }
  return out;
}

function collect(der: Bytes, fileDigest: (alg: string) => string | undefined, out: Signature[], depth: number): void {
  if (out.length >= MAX_SIGNATURES || depth > 4) return;
  const sig: Signature = { chain: [], certificates: [], digestMatches: false, selfSigned: false, errors: [] };
  let signed: pkijs.SignedData;
  try {
    // A copy: a Node Buffer's slice() is a view, and its .buffer can be a shared pool.
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(der).buffer);
    signed = new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    sig.errors.push(`PKCS#7 structure: ${(e as Error).message}`);
    out.push(sig);
    return;
  }
  out.push(sig);
  const certs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const infos = certs.map((c) => { try { return certInfo(c); } catch { return undefined; } });
  sig.certificates = infos.filter((c): c is CertInfo => c !== undefined);
  const si = signed.signerInfos[0];
  if (!si) {
    sig.errors.push('no signer information');
  } else {
    const alg = DIGESTS[si.digestAlgorithm.algorithmId];
    const sid = si.sid instanceof pkijs.IssuerAndSerialNumber ? si.sid : undefined;
    const idx = sid ? certs.findIndex((c) => c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer)) : -1;
    if (idx >= 0 && infos[idx]) {
      sig.signer = infos[idx];
      sig.selfSigned = sig.signer.subject === sig.signer.issuer;
      sig.chain = buildChain(sig.signer, sig.certificates);
      sig.signatureValid = checkSignerSignature(si, certs[idx], signed, alg);
    } else {
      sig.errors.push('signer certificate not found');
    }
    const indirect = indirectDigest(signed);
    if (indirect) {
      sig.digest = indirect.digest;
      // Named as the signed image digest names it (some signers put a signature algorithm there).
      sig.digestAlgorithm = (indirect.alg in ALGORITHMS ? ALGORITHMS[indirect.alg] : DIGESTS[indirect.alg]) ?? indirect.alg;
      const fileAlg = DIGESTS[indirect.alg];
      sig.fileDigest = fileAlg ? fileDigest(fileAlg) : undefined;
      sig.digestMatches = sig.fileDigest !== undefined && sig.fileDigest === sig.digest;
      if (!fileAlg) sig.errors.push(`unsupported digest algorithm ${indirect.alg}`);
    } else {
      sig.errors.push('no SpcIndirectDataContent digest');
    }
    for (const a of si.signedAttrs?.attributes ?? []) {
      if (a.type === OPUS_INFO) sig.programName = opusProgramName(a.values[0]);
    }
    const nested: Bytes[] = [];
    for (const a of si.unsignedAttrs?.attributes ?? []) {
      if (a.type === TIMESTAMP_TOKEN) {
        // An RFC 3161 time-stamp token is itself a SignedData carrying the time-stamping authority's chain.
        for (const v of a.values) sig.certificates.push(...tokenCertificates(v));
      } else if (a.type === NESTED_SIGNATURE) {
        for (const v of a.values) nested.push(new Uint8Array(v.toBER(false)));
      }
    }
    for (const n of nested) collect(n, fileDigest, out, depth + 1);
  }
}

function tokenCertificates(v: unknown): CertInfo[] {
  try {
    const signed = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: v as asn1js.Sequence }).content });
    return (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map(certInfo);
  } catch {
    return [];
  }
}

function buildChain(signer: CertInfo, certs: CertInfo[]): CertInfo[] {
  const chain = [signer];
  for (let cur = signer; chain.length < certs.length + 1 && cur.subject !== cur.issuer;) {
    const next = certs.find((c) => c.subject === cur.issuer && !chain.includes(c));
    if (!next) break;
    chain.push(next);
    cur = next;
  }
  return chain;
}

/** SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }. */
function indirectDigest(signed: pkijs.SignedData): { alg: string; digest: string } | undefined {
  const content = signed.encapContentInfo.eContent as unknown as asn1js.Sequence | undefined;
  const seq = content?.valueBlock?.value;
  const digestInfo = Array.isArray(seq) ? (seq[1] as asn1js.Sequence | undefined) : undefined;
  const parts = digestInfo?.valueBlock?.value;
  if (!Array.isArray(parts) || parts.length < 2) return undefined;
  const algId = (parts[0] as asn1js.Sequence).valueBlock?.value?.[0];
  const digest = parts[1] as asn1js.OctetString;
  if (!(algId instanceof asn1js.ObjectIdentifier) || !(digest instanceof asn1js.OctetString)) return undefined;
  return { alg: algId.valueBlock.toString(), digest: Buffer.from(digest.valueBlock.valueHexView).toString('hex') };
}

/**
 * The signer signs its DER-encoded signed attributes (re-tagged as a SET), one of which is the digest of the
 * SpcIndirectDataContent body; both links are checked.
 */
function checkSignerSignature(si: pkijs.SignerInfo, cert: pkijs.Certificate, signed: pkijs.SignedData, alg: string | undefined): boolean | undefined {
  if (!alg || !si.signedAttrs) return undefined;
  try {
    const content = signed.encapContentInfo.eContent as unknown as asn1js.BaseBlock;
    const body = content.valueBeforeDecodeView;
    // The digest covers the content octets of the SEQUENCE, without its tag and length.
    const headerLength = body.length > 1 ? (body[1] < 0x80 ? 2 : 2 + (body[1] & 0x7f)) : body.length;
    const bodyDigest = createHash(alg).update(body.subarray(headerLength)).digest('hex');
    const md = si.signedAttrs.attributes.find((a) => a.type === MESSAGE_DIGEST)?.values[0] as asn1js.OctetString | undefined;
    if (!md || Buffer.from(md.valueBlock.valueHexView).toString('hex') !== bodyDigest) return false;
    return verifyWithCertKey(si, cert, alg);
  } catch {
    return undefined;
  }
}

function verifyWithCertKey(si: pkijs.SignerInfo, cert: pkijs.Certificate, alg: string): boolean | undefined {
  if (!si.signedAttrs) return undefined;
  const spki = Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false));
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const attrs = new Uint8Array(si.signedAttrs.encodedValue.slice(0));
  attrs[0] = 0x31;
  return verifySignature(alg, attrs, key, Buffer.from(si.signature.valueBlock.valueHexView));
}

/** SpcSpOpusInfo ::= SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL, moreInfo [1] ... }. */
function opusProgramName(v: unknown): string | undefined {
  const seq = (v as asn1js.Sequence | undefined)?.valueBlock?.value;
  if (!Array.isArray(seq)) return undefined;
  const tagged = seq.find((x) => x.idBlock.tagClass === 3 && x.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  const str = tagged?.valueBlock?.value?.[0];
  if (!str) return undefined;
  const raw = (str as asn1js.Primitive).valueBlock?.valueHexView;
  if (!raw) return undefined;
  // SpcString is [0] BMPString (UTF-16BE) or [1] IA5String.
  if (str.idBlock.tagNumber === 0) return Buffer.from(raw.subarray(0, raw.length & ~1)).swap16().toString('utf16le');
  return Buffer.from(raw).toString('latin1');
}
