// Container formats whose label depends on more than the first bytes: zip-based documents and
// packages (decided from the member names), CaRT (which may carry the type of the file it wraps),
// Apple disk images (trailer at the end of the file), xar and UDF.
import { rc4 } from '../cart/rc4.js';
import { FileView, hasBytes, indexOfBytes, u16be, u16le, u32le, u64le } from './source.js';

const LOCAL_HEADER = 'PK\x03\x04';
const CENTRAL_HEADER = 'PK\x01\x02';
const END_OF_CENTRAL = 'PK\x05\x06';
const MAX_ENTRIES = 20000;
const MAX_CENTRAL_DIR = 8 * 1024 * 1024;

/**
 * Member names of a zip file. The central directory is authoritative, so it is used whenever the
 * end of the file is reachable; otherwise the local headers in the bytes we hold are walked.
 */
export function zipEntryNames(view: FileView): string[] {
  return fromCentralDirectory(view) ?? fromLocalHeaders(view.header);
}

function fromCentralDirectory(view: FileView): string[] | undefined {
  const tail = view.tail(65536 + 22);
  if (!tail) return undefined;
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && hasBytes(tail, i, END_OF_CENTRAL)) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const cdSize = u32le(tail, eocd + 12);
  let cdOffset = u32le(tail, eocd + 16);
  // Self-extractors and files with prepended data shift every offset; the directory then sits
  // right before the end record rather than where it claims to be.
  const eocdAbs = view.size - tail.length + eocd;
  if (cdOffset + cdSize !== eocdAbs && eocdAbs >= cdSize) cdOffset = eocdAbs - cdSize;
  if (cdSize === 0 || cdSize > MAX_CENTRAL_DIR) return cdSize === 0 ? [] : undefined;
  const cd = view.read(cdOffset, cdSize);
  if (!cd || !hasBytes(cd, 0, CENTRAL_HEADER)) return undefined;
  const names: string[] = [];
  let o = 0;
  while (o + 46 <= cd.length && hasBytes(cd, o, CENTRAL_HEADER) && names.length < MAX_ENTRIES) {
    const nameLen = u16le(cd, o + 28);
    names.push(Buffer.from(cd.subarray(o + 46, o + 46 + nameLen)).toString('utf8'));
    o += 46 + nameLen + u16le(cd, o + 30) + u16le(cd, o + 32);
  }
  return names;
}

function fromLocalHeaders(h: Uint8Array): string[] {
  const names: string[] = [];
  let o = indexOfBytes(h, LOCAL_HEADER);
  while (o >= 0 && o + 30 <= h.length && names.length < MAX_ENTRIES) {
    const flags = u16le(h, o + 6);
    const compSize = u32le(h, o + 18);
    const nameLen = u16le(h, o + 26);
    const extraLen = u16le(h, o + 28);
    const nameEnd = o + 30 + nameLen;
    if (nameEnd > h.length) break;
    names.push(Buffer.from(h.subarray(o + 30, nameEnd)).toString('utf8'));
    const dataStart = nameEnd + extraLen;
    // Streamed members (bit 3) record their size after the data; find the next header instead.
    const sizeUnknown = (flags & 0x08) !== 0 && compSize === 0;
    const next = sizeUnknown || compSize === 0xffffffff ? indexOfBytes(h, LOCAL_HEADER, dataStart) : dataStart + compSize;
    if (next <= o) break;
    o = hasBytes(h, next, LOCAL_HEADER) ? next : sizeUnknown ? -1 : indexOfBytes(h, LOCAL_HEADER, next);
  }
  return names;
}

/**
 * Assemblyline's reading of a zip's member list: Java and Android packages, iOS apps, and Office
 * Open XML documents by their top-level part folders; anything else stays a plain zip.
 */
export function zipLabel(names: string[], fallback: string): string {
  if (names.length === 0) return fallback;
  let classes = 0;
  let jars = 0;
  const f = {
    jar: false, ipa: false, word: false, excel: false, ppt: false, props: false, rels: false,
    types: false, manifest: false, dex: false, nuspec: false, psmdcp: false,
  };
  for (const n of names) {
    if (n.startsWith('META-INF/')) f.jar = true;
    else if (n === 'AndroidManifest.xml') f.manifest = true;
    else if (n === 'classes.dex') f.dex = true;
    else if (n.startsWith('Payload/') && n.endsWith('.app/Info.plist')) f.ipa = true;
    else if (n.endsWith('.nuspec')) f.nuspec = true;
    else if (n.startsWith('package/services/metadata/core-properties/') && n.endsWith('.psmdcp')) f.psmdcp = true;
    else if (n.endsWith('.class')) classes++;
    else if (n.endsWith('.jar')) jars++;
    else if (n.startsWith('word/')) f.word = true;
    else if (n.startsWith('xl/')) f.excel = true;
    else if (n.startsWith('ppt/')) f.ppt = true;
    else if (n.startsWith('docProps/')) f.props = true;
    else if (n.startsWith('_rels/')) f.rels = true;
    else if (n === '[Content_Types].xml') f.types = true;
  }
  // Mostly compiled classes or nested jars: a Java archive even without a manifest.
  if (names.length < (classes + jars) * 2) f.jar = true;
  if (f.jar && f.manifest && f.dex) return 'android/apk';
  if (f.ipa) return 'ios/ipa';
  if (f.jar) return 'java/jar';
  if ((f.props || f.rels) && f.types) {
    if (f.word) return 'document/office/word';
    if (f.excel) return 'document/office/excel';
    if (f.ppt) return 'document/office/powerpoint';
    if (f.nuspec && f.psmdcp) return 'archive/zip';
    return 'document/office/unknown';
  }
  return 'archive/zip';
}

// CaRT: "CART", version (int16 = 1), reserved (int64 = 0), 16-byte RC4 key, optional header length.
const CART_HEADER_LEN = 38;

/**
 * A CaRT file may record the Assemblyline type of its content in the optional header
 * ({"al": {"type": ...}}), which is RC4-encrypted with the key stored in the header.
 */
export function cartLabel(view: FileView): string | undefined {
  const h = view.header;
  if (h.length < CART_HEADER_LEN || !hasBytes(h, 0, 'CART') || u32le(h, 6) !== 0 || u32le(h, 10) !== 0) {
    return undefined;
  }
  if (u16le(h, 4) !== 1) return 'corrupted/cart';
  const key = h.subarray(14, 30);
  const optLen = u64le(h, 30);
  // An all-zero key means a private key was used: the metadata cannot be read without it.
  if (optLen === 0 || optLen > 1024 * 1024 || key.every((b) => b === 0)) return 'archive/cart';
  const crypt = view.read(CART_HEADER_LEN, optLen);
  if (!crypt || crypt.length !== optLen) return 'archive/cart';
  try {
    const meta = JSON.parse(Buffer.from(rc4(key, crypt)).toString('utf8')) as unknown;
    const al = (meta as { al?: { type?: unknown } } | null)?.al;
    return typeof al?.type === 'string' && al.type ? al.type : 'archive/cart';
  } catch {
    return 'corrupted/cart';
  }
}

/**
 * Apple disk images: UDIF images end with a 512-byte "koly" trailer; raw read/write images are a
 * bare HFS+/HFSX volume whose header sits at offset 1024.
 */
export function dmgLabel(view: FileView): string | undefined {
  const h = view.header;
  if (h.length >= 1026) {
    const sig = u16be(h, 1024);
    const version = u16be(h, 1026);
    if ((sig === 0x482b && version === 4) || (sig === 0x4858 && version === 5)) return 'archive/dmg';
  }
  if (view.size < 1024) return undefined;
  const trailer = view.tail(512);
  if (trailer && trailer.length === 512 && hasBytes(trailer, 0, 'koly\0\0\0\x04\0\0\x02\0')) return 'archive/dmg';
  return undefined;
}

/** xar (macOS installer packages, Safari extensions): "xar!" then a header of at least 28 bytes. */
export function xarLabel(h: Uint8Array): string | undefined {
  return h.length >= 28 && hasBytes(h, 0, 'xar!') && u16be(h, 4) >= 28 ? 'archive/xar' : undefined;
}

const UDF_IDS = ['CD001', 'BEA01', 'NSR02', 'NSR03', 'BOOT2', 'TEA01'];

/**
 * UDF volumes start with a volume recognition sequence of 2 KiB descriptors from 32 KiB on; three
 * different descriptor identifiers there are specific to UDF (a plain ISO 9660 only has CD001).
 */
export function udfLabel(h: Uint8Array): string | undefined {
  if (h.length < 0x8000 + 0x800 * 3) return undefined;
  const found = new Set<string>();
  for (let o = 0x8001; o + 5 <= Math.min(h.length, 0x10000); o += 0x800) {
    for (const id of UDF_IDS) if (hasBytes(h, o, id)) found.add(id);
  }
  return found.size >= 3 ? 'archive/udf' : undefined;
}
