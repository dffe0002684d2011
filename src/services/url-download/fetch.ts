// One download with every hop checked: the host is resolved here, each address vetted by the guard, and the
// connection made to the vetted address itself (the request never resolves the name again, so a DNS answer that
// changes between check and connect cannot redirect it). Redirects are followed by hand, each new host checked
// the same way. The body streams to disk and stops at the size limit.
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { checkHost, type AllowList } from './guard.js';

export interface Hop {
  url: string;
  host: string;
  address?: string;
  status?: number;
  location?: string;
  /** Why this hop was not fetched. */
  refused?: string;
}

export interface FetchLimits {
  maxRedirects: number;
  maxBytes: number;
  userAgent: string;
  allow: AllowList;
  signal: AbortSignal;
}

export type FetchOutcome =
  | { kind: 'ok'; hops: Hop[]; status: number; headers: Record<string, string | string[]>; bytes: number; path: string }
  | { kind: 'refused' | 'dns' | 'scheme' | 'redirects' | 'too_large' | 'timeout' | 'error'; hops: Hop[]; message: string; status?: number; headers?: Record<string, string | string[]> };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  tooLarge: boolean;
}

function request(url: URL, address: string, family: number, limits: FetchLimits, out: string | null): Promise<Response> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const req = mod.request({
      host: address, family, port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`, method: 'GET', agent: false, signal: limits.signal,
      // The name is still what the server sees, in Host and in TLS SNI (never an IP literal, which SNI forbids).
      servername: /^[\d.]+$|:/.test(host) ? undefined : host,
      headers: { host: url.host, 'user-agent': limits.userAgent, accept: '*/*', 'accept-encoding': 'identity' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (!out || REDIRECTS.has(status)) {
        res.resume();
        res.on('end', () => resolve({ status, headers: res.headers, bytes: 0, tooLarge: false }));
        res.on('error', reject);
        return;
      }
      const file = createWriteStream(out);
      let bytes = 0;
      let tooLarge = false;
      const finish = () => file.end(() => resolve({ status, headers: res.headers, bytes, tooLarge }));
      res.on('data', (chunk: Buffer) => {
        if (tooLarge) return;
        if (bytes + chunk.length > limits.maxBytes) {
          // Keep nothing past the limit and hang up: a huge or endless body must not fill the disk or the time.
          tooLarge = true;
          file.write(chunk.subarray(0, limits.maxBytes - bytes));
          bytes = limits.maxBytes;
          res.destroy();
          finish();
          return;
        }
        bytes += chunk.length;
        file.write(chunk);
      });
      res.on('end', finish);
      res.on('error', (e) => (tooLarge ? undefined : (file.destroy(), reject(e))));
      file.on('error', reject);
    });
    req.end();
  });
}

function plainHeaders(h: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v;
  return out;
}

/** The resolver takes no signal: stop waiting for it when the time is up (its answer is then ignored). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function download(start: string, bodyPath: string, limits: FetchLimits): Promise<FetchOutcome> {
  const hops: Hop[] = [];
  let url: URL;
  try {
    url = new URL(start);
  } catch {
    return { kind: 'error', hops, message: `not a valid URL: ${start}` };
  }
  for (let i = 0; ; i++) {
    const hop: Hop = { url: url.href, host: url.hostname };
    hops.push(hop);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      hop.refused = `scheme ${url.protocol.replace(/:$/, '')} is not downloaded`;
      return { kind: 'scheme', hops, message: `Only http and https URLs are downloaded; ${url.protocol.replace(/:$/, '')} is refused.` };
    }
    let checked: Awaited<ReturnType<typeof checkHost>>;
    try {
      checked = await untilAborted(checkHost(url.hostname, limits.allow), limits.signal);
    } catch (e) {
      if (limits.signal.aborted) {
        hop.refused = 'time limit reached';
        return { kind: 'timeout', hops, message: 'The host name was not resolved within the time limit.' };
      }
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      hop.refused = `DNS lookup failed (${code})`;
      return { kind: 'dns', hops, message: `The host ${url.hostname} could not be resolved (${code}).` };
    }
    if (!checked.ok) {
      hop.refused = checked.reason;
      return { kind: 'refused', hops, message: `Connection refused by policy: ${checked.reason}.` };
    }
    hop.address = checked.address;
    let res: Response;
    try {
      res = await request(url, checked.address, checked.family, limits, bodyPath);
    } catch (e) {
      if (limits.signal.aborted) {
        hop.refused = 'time limit reached';
        return { kind: 'timeout', hops, message: 'The download did not finish within the time limit.' };
      }
      const err = e as NodeJS.ErrnoException;
      hop.refused = err.code ?? err.message;
      return { kind: 'error', hops, message: `The request failed: ${err.code ? `${err.code} ` : ''}${err.message}` };
    }
    hop.status = res.status;
    const headers = plainHeaders(res.headers);
    if (REDIRECTS.has(res.status) && res.headers.location) {
      hop.location = res.headers.location;
      if (i >= limits.maxRedirects) {
        return { kind: 'redirects', hops, status: res.status, headers, message: `More than ${limits.maxRedirects} redirects.` };
      }
      try {
        url = new URL(res.headers.location, url);
      } catch {
        return { kind: 'error', hops, status: res.status, headers, message: `Invalid redirect location: ${res.headers.location}` };
      }
      continue;
    }
    if (res.tooLarge) {
      return { kind: 'too_large', hops, status: res.status, headers, message: `The content is larger than the ${limits.maxBytes}-byte limit; the download was stopped there.` };
    }
    return { kind: 'ok', hops, status: res.status, headers, bytes: res.bytes, path: bodyPath };
  }
}
