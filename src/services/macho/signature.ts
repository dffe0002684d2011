// The embedded code signature LC_CODE_SIGNATURE points at: a big-endian SuperBlob indexing a CodeDirectory
// (whose flags say whether the signature is ad hoc), an optional CMS blob (a signature made with a
// certificate) and optional entitlements. Presence and kind are enough for triage; nothing is verified.
import type { CodeSignature, LinkeditData } from './types.js';

const EMBEDDED_SIGNATURE = 0xfade0cc0;
const CODE_DIRECTORY = 0xfade0c02;
const BLOB_WRAPPER = 0xfade0b01;
const ENTITLEMENTS = 0xfade7171;
const CS_ADHOC = 0x2;
const MAX_BLOBS = 64;

export function parseSignature(buf: Buffer, at: LinkeditData): CodeSignature {
  const sig: CodeSignature = { readable: false, codeDirectory: false, adhoc: false, cms: false };
  const start = at.dataoff;
  const end = Math.min(buf.length, start + at.datasize);
  if (start + 12 > end || buf.readUInt32BE(start) !== EMBEDDED_SIGNATURE) return sig;
  sig.readable = true;
  const count = Math.min(buf.readUInt32BE(start + 8), MAX_BLOBS);
  for (let i = 0; i < count; i++) {
    const idx = start + 12 + i * 8;
    if (idx + 8 > end) break;
    const blob = start + buf.readUInt32BE(idx + 4);
    if (blob + 8 > end) continue;
    const magic = buf.readUInt32BE(blob);
    const length = Math.min(buf.readUInt32BE(blob + 4), end - blob);
    if (magic === CODE_DIRECTORY && length >= 24) {
      sig.codeDirectory = true;
      sig.adhoc = (buf.readUInt32BE(blob + 12) & CS_ADHOC) !== 0;
      const identOffset = buf.readUInt32BE(blob + 20);
      if (identOffset > 0 && identOffset < length) {
        const nul = buf.indexOf(0, blob + identOffset);
        if (nul > 0 && nul < blob + length) sig.identifier = buf.toString('latin1', blob + identOffset, nul);
      }
    } else if (magic === BLOB_WRAPPER) {
      sig.cms = length > 8;
    } else if (magic === ENTITLEMENTS && length > 8) {
      sig.entitlements = buf.toString('utf8', blob + 8, blob + length);
    }
  }
  return sig;
}
