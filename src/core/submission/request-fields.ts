// The top-level fields of an ingest or submit request, checked before anything is done with them: a field of
// the wrong type, a hash that is not one, base64 that does not decode or a URL the downloader could not fetch
// is refused at intake with a message naming the field, rather than ignored or failing later in analysis.
import { badRequest } from '../errors.js';
import { isPlainObject } from '../util/plain.js';

const STRING_FIELDS = [
  'name', 'url', 'plaintext', 'base64', 'sha256', 'sha1', 'md5', 'tlsh', 'ssdeep', 'submission_profile', 'notification_queue', 'type',
] as const;

/** Hex hashes whose form is fixed; the fuzzy ones (ssdeep, tlsh) are looked up as given. */
const HEX_HASHES: Record<string, number> = { sha256: 64, sha1: 40, md5: 32 };

const absent = (v: unknown) => v === undefined || v === null;

export function checkRequestFields(data: Record<string, unknown>): void {
  for (const f of STRING_FIELDS) {
    if (!absent(data[f]) && typeof data[f] !== 'string') throw badRequest(`${f} must be a string`, {});
  }
  for (const [f, len] of Object.entries(HEX_HASHES)) {
    const v = data[f];
    if (typeof v === 'string' && v !== '' && !(v.length === len && /^[0-9a-fA-F]+$/.test(v))) {
      throw badRequest(`${f} is not a valid ${f.toUpperCase()} hash: ${len} hexadecimal digits expected`, {});
    }
  }
  if (!absent(data.params) && !isPlainObject(data.params)) throw badRequest('params must be an object', {});
  // Assemblyline's wording.
  if (!absent(data.generate_alert) && typeof data.generate_alert !== 'boolean') throw badRequest('generate_alert should be a boolean', {});
}

/** A 413 message naming the size limit and the setting behind it; `size` when the whole file was seen. */
export function fileTooLargeMessage(maxFileSize: number, size?: number): string {
  const what = size === undefined ? 'The file' : `The file (${size} bytes)`;
  return `File too large: ${what} is larger than the configured maximum file size of ${maxFileSize} bytes (submission.maxFileSize)`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decode the `base64` field strictly. Line breaks and spaces are allowed (MIME style) and the padding may be
 * left out, but any other character, or a length no encoder produces, is refused instead of being skipped.
 */
export function decodeBase64Field(text: string): Buffer {
  const compact = text.replace(/[\r\n\t ]+/g, '');
  if (!BASE64.test(compact)) {
    const bad = compact.search(/[^A-Za-z0-9+/=]|=(?=[^=])/);
    const at = bad >= 0 ? ` (character ${JSON.stringify(compact[bad])} at offset ${bad})` : '';
    throw badRequest(`base64 is not valid base64: only A-Z, a-z, 0-9, + and / are allowed, with = padding at the end${at}`, {});
  }
  const unpadded = compact.replace(/=+$/, '');
  if (unpadded.length % 4 === 1 || (compact.length !== unpadded.length && compact.length % 4 !== 0)) {
    throw badRequest('base64 is not valid base64: its length is not that of encoded data (a whole number of 4-character groups)', {});
  }
  return Buffer.from(unpadded, 'base64');
}

/** A URL to submit: it must parse, name a host, and use one of the allowed schemes. */
export function checkSubmittedUrl(url: string, schemes: readonly string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('Url provided is invalid.', {}); // Assemblyline's wording
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (!schemes.includes(scheme)) {
    throw badRequest(`URL scheme '${scheme}' cannot be submitted: only ${schemes.join(', ')} URLs are accepted (ui.urlSubmissionSchemes)`, {});
  }
  if (!parsed.hostname) throw badRequest('Url provided is invalid.', {});
}
