// X.509 certificate fields as the usual tools print them: distinguished names in OpenSSL's one-line form
// ("/C=US/O=Example/CN=Signer"), colon-separated serial numbers, SHA-1 thumbprints.
import * as pkijs from 'pkijs';
import { hash } from './bytes.js';

const DN_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'title', '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode', '2.5.4.42': 'GN', '2.5.4.97': 'organizationIdentifier', '1.2.840.113549.1.9.1': 'emailAddress',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL', '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC', '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
};

export const ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption', '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption', '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption', '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256', '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10040.4.3': 'dsaWithSHA1', '1.3.14.3.2.29': 'sha1WithRSA',
};

export const DIGESTS: Record<string, 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512'> = {
  '1.2.840.113549.2.5': 'md5', '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
  // Some signers name the signature algorithm where the digest algorithm belongs; its hash is implied.
  '1.2.840.113549.1.1.4': 'md5', '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512', '1.3.14.3.2.29': 'sha1',
};

export interface CertInfo {
  subject: string;
  issuer: string;
  serial: string;
  thumbprint: string;
  version: number;
  algorithm: string;
  algorithmOid: string;
  notBefore: number;
  notAfter: number;
  der: Uint8Array;
}

export function dnString(dn: pkijs.RelativeDistinguishedNames): string {
  return dn.typesAndValues.map((tv) => {
    const v = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
    return `/${DN_NAMES[tv.type] ?? tv.type}=${typeof v === 'string' ? v : ''}`;
  }).join('');
}

export function serialString(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(':');
}

export function certInfo(c: pkijs.Certificate): CertInfo {
  const der = new Uint8Array(c.toSchema(true).toBER(false));
  const oid = c.signatureAlgorithm.algorithmId;
  return {
    subject: dnString(c.subject),
    issuer: dnString(c.issuer),
    serial: serialString(c.serialNumber.valueBlock.valueHexView),
    thumbprint: hash('sha1', der),
    version: c.version + 1,
    algorithm: ALGORITHMS[oid] ?? oid,
    algorithmOid: oid,
    notBefore: Math.floor(c.notBefore.value.getTime() / 1000),
    notAfter: Math.floor(c.notAfter.value.getTime() / 1000),
    der,
  };
}
