// Reading an ingest or submit request: a multipart upload (`json` field + `bin` file, the Python client's
// shape) streamed to a temporary file, or a JSON body. Nothing is held in memory whole.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../core/errors.js';
import { fileTooBig } from '../core/files/file-intake.js';
import type { SubmissionRequest } from '../core/submission/init.js';
import { BAD_JSON_MESSAGE } from './errors.js';

export interface ParsedUpload extends SubmissionRequest {
  /** Remove the temporary upload. */
  cleanup(): Promise<void>;
}

export async function readSubmissionRequest(req: FastifyRequest, tmpDir: string, maxFileSize: number): Promise<ParsedUpload> {
  if (!req.isMultipart()) {
    const body = req.body;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
      throw badRequest(req.headers['content-type']?.includes('json') ? BAD_JSON_MESSAGE : 'Invalid content type', {});
    }
    return { data: body as Record<string, unknown>, cleanup: async () => {} };
  }
  let data: Record<string, unknown> = {};
  let upload: SubmissionRequest['upload'];
  const cleanup = async () => {
    // An upload moved into the filestore is gone already; only a left-over temporary file is removed.
    if (upload && !upload.consumed) await rm(upload.path, { force: true });
  };
  try {
    // The size limit is one byte over the maximum so an oversize file is detected, not silently cut.
    for await (const part of req.parts({ limits: { fileSize: maxFileSize + 1, files: 1, fields: 20, fieldSize: 1 << 20 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'bin' || upload) {
          part.file.resume();
          continue;
        }
        const path = join(tmpDir, `upload-${randomBytes(8).toString('hex')}`);
        upload = { path, filename: part.filename ?? '' };
        // Hash while writing, so storing the upload needs no second read.
        const hash = createHash('sha256');
        let size = 0;
        const head: Buffer[] = [];
        let headLen = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            hash.update(chunk);
            size += chunk.length;
            if (headLen < 64) {
              head.push(chunk.subarray(0, 64 - headLen));
              headLen += Math.min(chunk.length, 64 - headLen);
            }
            cb(null, chunk);
          },
        });
        await pipeline(part.file, tap, createWriteStream(path));
        if (part.file.truncated) throw fileTooBig(part.file.bytesRead, maxFileSize);
        upload.digest = { sha256: hash.digest('hex'), size, head: Buffer.concat(head) };
      } else if (part.fieldname === 'json') {
        try {
          const parsed = JSON.parse(String(part.value));
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          data = parsed as Record<string, unknown>;
        } catch {
          throw badRequest(BAD_JSON_MESSAGE, {});
        }
      }
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { data, upload, cleanup };
}
