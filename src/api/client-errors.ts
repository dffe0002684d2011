// Requests Node's HTTP parser or Fastify's router refuse before any route runs: a request head over the size
// limit (431), a request line or header that is not HTTP, a URL that does not decode, an overlong path
// parameter. They get the Assemblyline envelope like every other error. A refusal at the parser level also
// ends the connection: the answer says `Connection: close`, the socket is half-closed after it, and what the
// client still sends is read and dropped for a moment, so the client sees a clean end of stream rather than
// a reset and simply reconnects for its next request.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AssayConfig } from '../config.js';
import { envelope, reply } from './envelope.js';

/** How long what a refused client still sends is drained before the socket is closed for good. */
const LINGER_MS = 2000;

function parserRefusal(err: NodeJS.ErrnoException, cfg: AssayConfig): [number, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, `The request line and headers are larger than the ${cfg.server.maxHeaderSize} bytes allowed (server.maxHeaderSize)`];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return [408, 'The request was not received in time'];
    default:
      return [400, `Malformed HTTP request${err.code ? ` (${err.code})` : ''}`];
  }
}

/** Sockets already answered: the parser reports again for every further chunk a refused client sends. */
const answered = new WeakSet<Socket>();

/** Fastify's `clientErrorHandler`: answer a request the HTTP parser refused, then close the connection cleanly. */
export function clientErrorHandler(cfg: AssayConfig, log: FastifyBaseLogger) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (answered.has(socket)) return;
    answered.add(socket);
    if (err.code === 'ECONNRESET' || socket.destroyed) {
      socket.destroy();
      return;
    }
    const [status, message] = parserRefusal(err, cfg);
    log.debug({ code: err.code, status }, 'request refused by the HTTP parser');
    const body = JSON.stringify(envelope('', status, message));
    const head =
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n';
    socket.on('error', () => undefined);
    if (socket.writable) socket.end(head + body);
    // Closing with unread input makes the kernel send a reset, which can reach the client before the answer
    // does; draining it first gives the client the whole answer and an orderly end of stream.
    socket.on('data', () => undefined);
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}

/** Fastify's `frameworkErrors`: router-level refusals, in the envelope. */
export function frameworkErrorHandler(cfg: AssayConfig) {
  return (err: FastifyError, req: FastifyRequest, res: FastifyReply): void => {
    const path = req.raw.url?.split('?')[0] ?? '';
    if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      void reply(res, '', 414, `A path parameter is longer than the ${cfg.server.maxParamLength} characters allowed (server.maxParamLength)`);
    } else if (err.code === 'FST_ERR_BAD_URL') {
      void reply(res, '', 400, `The URL is not valid: ${path.slice(0, 200)} does not decode`);
    } else {
      req.log.error({ err }, 'router failed');
      void reply(res, '', 500, 'Internal Server Error');
    }
  };
}
