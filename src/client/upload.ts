// Builds the multipart body the ingest and submit routes take (`json` part + `bin` part), streaming files from
// disk so a large upload never sits in memory.
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { BodySource } from './connection.js';
import { ClientError } from './errors.js';

/** What to analyse: exactly one of path, content, stream, sha256 or url. */
export interface FileSource {
  /** A file on disk (streamed). */
  path?: string;
  /** The bytes themselves (a string is sent as UTF-8). */
  content?: Buffer | Uint8Array | string;
  /** A readable stream; needs `fname`. Not retried after it has started, since it cannot be read twice. */
  stream?: Readable | NodeJS.ReadableStream;
  /** A file the server already holds. */
  sha256?: string;
  /** A URL for the server to fetch. */
  url?: string;
  /** Name recorded for the file (default: the path's base name, the URL's last segment or the sha256). */
  fname?: string;
}

function quoteName(name: string): string {
  // Header values cannot carry CR/LF or an unescaped quote.
  return name.replace(/[\r\n"]/g, '_');
}

/**
 * Fill `request.name` (and sha256/url) from the source; return the body factory for the connection.
 * JSON-only bodies for sha256/url sources, multipart otherwise.
 */
export function requestBody(src: FileSource, request: Record<string, unknown>): { json?: unknown; body?: () => BodySource } {
  const given = ['path', 'content', 'stream', 'sha256', 'url'].filter((k) => (src as Record<string, unknown>)[k] !== undefined);
  if (given.length !== 1) throw new ClientError(`give exactly one of path, content, stream, sha256 or url (got ${given.join(', ') || 'none'})`, 400, '');
  if (src.sha256 !== undefined) return { json: { ...request, name: src.fname ?? src.sha256, sha256: src.sha256 } };
  if (src.url !== undefined) return { json: { ...request, name: src.fname ?? (basename(src.url.split('?')[0]!) || src.url), url: src.url } };

  let name: string;
  let size: number | undefined;
  let open: () => Readable | Buffer;
  let replayable = true;
  if (src.path !== undefined) {
    const path = src.path;
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new ClientError(`File does not exist "${path}"`, 400, '');
    }
    if (!st.isFile()) throw new ClientError(`Not a regular file "${path}"`, 400, '');
    name = src.fname ?? basename(path);
    size = st.size;
    open = () => createReadStream(path);
  } else if (src.content !== undefined) {
    const buf = typeof src.content === 'string' ? Buffer.from(src.content, 'utf8') : Buffer.from(src.content);
    if (!src.fname) throw new ClientError('give fname with content', 400, '');
    name = src.fname;
    size = buf.length;
    open = () => buf;
  } else {
    if (!src.fname) throw new ClientError('give fname with a stream', 400, '');
    name = src.fname;
    let used = false;
    const stream = src.stream!;
    replayable = false;
    open = () => {
      if (used) throw new ClientError('a stream cannot be sent twice', 0, '');
      used = true;
      return stream instanceof Readable ? stream : Readable.from(stream as AsyncIterable<Buffer>);
    };
  }
  const fullRequest = { ...request, name };
  // The json part goes without a Content-Type, as the Python client sends it: multipart parsers may turn an
  // application/json field into an object instead of its text.
  return {
    body: () => {
      const boundary = `----assay${randomBytes(12).toString('hex')}`;
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="json"\r\n\r\n${JSON.stringify(fullRequest)}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="bin"; filename="${quoteName(name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const data = open();
      const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${boundary}` };
      if (size !== undefined) headers['content-length'] = String(head.length + size + tail.length);
      const stream = Readable.from(
        (async function* () {
          yield head;
          if (Buffer.isBuffer(data)) yield data;
          else for await (const chunk of data) yield chunk as Buffer;
          yield tail;
        })(),
      );
      return { headers, data: stream, replayable };
    },
  };
}
