// File digests: md5/sha1/sha256, ssdeep, TLSH and byte entropy in one streaming pass.
export {
  bytesEntropy,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_HEADER_SIZE,
  FileHasher,
  hashFile,
  shannonEntropy,
  type FileHasherOptions,
  type FileHashes,
  type HashFileOptions,
} from './file-hasher.js';
export { Ssdeep, SSDEEP_MAX_INPUT, ssdeepCompare, ssdeepHash } from './ssdeep.js';
export {
  decodeDigest as decodeTlshDigest,
  encodeFields as encodeTlshFields,
  Tlsh,
  TLSH_HEX_LENGTH,
  tlshDiff,
  tlshHash,
  tlshHashT1,
  type TlshFields,
} from './tlsh.js';
