// Reading an ingest or submit request: a multipart upload (`json` field + `bin` file, the Python client's
// shape) or a JSON body. The upload is hashed as it arrives; a small one stays in memory (a sensor's typical
// file, which then costs one write into the filestore), a larger one is written to a temporary file as it
// arrives, so no large file is ever held in memory whole.
import { createHash, randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { AssayConfig } from '../config.js';
import { AssayError, badRequest } from '../core/errors.js';
import type { SubmissionRequest } from '../core/submission/init.js';
import { firstTooDeep, tooDeepMessage } from '../core/util/json-depth.js';
import { BAD_JSON_MESSAGE, MULTIPART_FIELDS, fileTooLargeMessage, jsonPartLimit, jsonPartTooLargeMessage } from './request-errors.js';

export interface ParsedUpload extends SubmissionRequest {
  /** Remove the temporary upload. */
  cleanup(): Promise<void>;
}

/** Uploads up to this size are kept in memory. */
export const MEMORY_UPLOAD_BYTES = 4 << 20;

/** A parsed JSON object: not a list, and not the bytes of a body that is not JSON. */
function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** The `json` part: an object, within the nesting limit, or a 400 in Assemblyline's words. */
function parseJsonBlock(text: string, maxDepth: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest(BAD_JSON_MESSAGE, {});
  }
  if (!isJsonObject(parsed)) throw badRequest(BAD_JSON_MESSAGE, {});
  if (firstTooDeep(text, maxDepth) >= 0) throw badRequest(tooDeepMessage('The json part', maxDepth), {});
  return parsed;
}

export async function readSubmissionRequest(
  req: FastifyRequest, tmpDir: string, cfg: AssayConfig, memoryBytes = MEMORY_UPLOAD_BYTES,
): Promise<ParsedUpload> {
  const { maxFileSize } = cfg.submission;
  if (!req.isMultipart()) {
    const body = req.body;
    if (!isJsonObject(body)) throw badRequest(req.headers['content-type']?.includes('json') ? BAD_JSON_MESSAGE : 'Invalid content type', {});
    return { data: body, cleanup: async () => {} };
  }
  let data: Record<string, unknown> = {};
  let upload: SubmissionRequest['upload'];
  const cleanup = async () => {
    // An upload moved into the filestore is gone already; only a left-over temporary file is removed.
    if (upload?.path && !upload.consumed) await rm(upload.path, { force: true });
  };
  try {
    // The size limit is one byte over the maximum so an oversize file is detected, not silently cut. A second
    // file part breaks the `files` limit, which the error handler reports as such.
    const limits = { fileSize: maxFileSize + 1, files: 1, fields: MULTIPART_FIELDS, fieldSize: jsonPartLimit(cfg) };
    for await (const part of req.parts({ limits })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'bin' || upload) {
          part.file.resume();
          continue;
        }
        upload = { filename: part.filename ?? '' };
        const hash = createHash('sha256');
        let size = 0;
        let chunks: Buffer[] = [];
        let fh: FileHandle | undefined;
        let head: Buffer | undefined;
        try {
          for await (const chunk of part.file as AsyncIterable<Buffer>) {
            hash.update(chunk);
            size += chunk.length;
            if (fh) {
              await fh.write(chunk);
            } else {
              chunks.push(chunk);
              if (size > memoryBytes) {
                // Too large to keep: what came so far and the rest go to a temporary file.
                upload.path = join(tmpDir, `upload-${randomBytes(8).toString('hex')}`);
                head = Buffer.concat(chunks, 64);
                fh = await open(upload.path, 'wx');
                await fh.writev(chunks);
                chunks = [];
              }
            }
          }
        } finally {
          await fh?.close();
        }
        if (part.file.truncated) throw new AssayError(413, fileTooLargeMessage(maxFileSize), {});
        // One byte over is read whole (the cut is one byte further): the same answer, with the size.
        if (size > maxFileSize) throw new AssayError(413, fileTooLargeMessage(maxFileSize, size), {});
        const bytes = fh ? undefined : Buffer.concat(chunks, size);
        if (bytes) upload.bytes = bytes;
        upload.digest = { sha256: hash.digest('hex'), size, head: head ?? bytes!.subarray(0, 64) };
      } else if (part.fieldname === 'json') {
        // A cut value would only fail to parse; say which limit cut it.
        if (part.valueTruncated) throw badRequest(jsonPartTooLargeMessage(cfg), {});
        data = parseJsonBlock(String(part.value), cfg.server.maxJsonDepth);
      }
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { data, upload, cleanup };
}
