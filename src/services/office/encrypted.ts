// Password-protected documents. OOXML files are wrapped in a compound file (EncryptionInfo + EncryptedPackage,
// "CDFV2 Encrypted"); Word, Excel and PowerPoint 97-2003 files keep their streams and mark the encryption inside
// them. officecrypto-tool decrypts all four; the candidate passwords are the ones Extract tries.
import officeCrypto from 'officecrypto-tool';
import type { OleDoc } from './ole.js';

export type EncryptionKind = 'ooxml' | 'doc' | 'xls' | 'ppt';

export function encryptionKind(doc: OleDoc): EncryptionKind | undefined {
  if (doc.get('EncryptionInfo') && doc.get('EncryptedPackage')) return 'ooxml';
  const word = doc.get('WordDocument')?.content;
  // Word's File Information Block: wIdent 0xA5EC, then fEncrypted (0x0100) in the flags word at 0x0A.
  if (word && word.length >= 12 && word.readUInt16LE(0) === 0xa5ec && (word.readUInt16LE(0x0a) & 0x0100) !== 0) return 'doc';
  const book = (doc.get('Workbook') ?? doc.get('Book'))?.content;
  if (book && hasFilepass(book)) return 'xls';
  if (doc.get('PowerPoint Document') && doc.get('EncryptedSummary')) return 'ppt';
  return undefined;
}

// BIFF8 workbooks announce encryption with a FILEPASS record (0x002F) among the first globals records.
function hasFilepass(b: Buffer): boolean {
  let o = 0;
  for (let n = 0; n < 64 && o + 4 <= b.length; n++) {
    const type = b.readUInt16LE(o);
    if (type === 0x002f) return true;
    if (type === 0x000a) break; // EOF of the globals substream
    o += 4 + b.readUInt16LE(o + 2);
  }
  return false;
}

/** MS-OFFCRYPTO 2.3.4.10: an agile spin count "MUST NOT be greater than 10,000,000"; Office writes 100,000. */
export const MAX_SPIN_COUNT = 10_000_000;

/**
 * Why an encrypted OOXML document is not worth trying passwords on, or undefined. Agile encryption hashes the
 * password as many times as the document's spinCount says, and the decryption library takes any count: a
 * forged one of billions would hold the analyser on the first password for hours.
 */
export function keyDerivationProblem(doc: OleDoc): string | undefined {
  const info = doc.get('EncryptionInfo')?.content;
  if (!info) return undefined;
  // Every spinCount attribute, however quoted or written: the library reads them with an XML parser.
  for (const m of info.toString('latin1').matchAll(/spinCount\s*=\s*(["'])([^"']*)\1/g)) {
    const n = Number(m[2]);
    if (!(Number.isInteger(n) && n >= 0 && n <= MAX_SPIN_COUNT)) {
      return `the key derivation asks for ${m[2].slice(0, 40)} hashing rounds, beyond the ${MAX_SPIN_COUNT} the format allows`;
    }
  }
  return undefined;
}

export interface Decrypted {
  password: string;
  data: Buffer;
}

/** Tries each password in order; undefined when none opens the document. */
export async function tryDecrypt(buf: Buffer, passwords: string[], signal: AbortSignal, budgetMs = 60_000): Promise<Decrypted | { error: string }> {
  let lastError = 'no candidate password';
  // Agile key derivation (100,000 SHA-512 rounds) is slow in this library: bound the whole search in time.
  const deadline = Date.now() + budgetMs;
  for (const password of passwords) {
    signal.throwIfAborted();
    if (Date.now() > deadline) return { error: `time budget spent after trying some of ${passwords.length} passwords` };
    if (!password || password.length > 255) continue;
    try {
      const data = await officeCrypto.decrypt(buf, { password });
      if (data && data.length > 0 && !data.equals(buf)) return { password, data: Buffer.from(data) };
    } catch (e) {
      lastError = (e as Error).message;
      // Wrong password is the expected failure; anything else means the format is not supported: stop early.
      if (!/password/i.test(lastError)) return { error: lastError };
    }
  }
  return { error: lastError };
}
