// Raw HTTP(S) requests with exact headers and bodies, the way the Python client sends them (self-signed TLS
// accepted, as the client does with verify=False).
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  raw: Buffer;
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, rejectUnauthorized: false }) };

export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawResponse> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: u.protocol === 'https:' ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          let body: unknown;
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, raw });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A multipart/form-data body as python-requests builds it for `data={...}, files={...}`. */
export function multipart(fields: Array<{ name: string; value: string | Buffer; filename?: string }>): { body: Buffer; contentType: string } {
  const boundary = randomBytes(16).toString('hex');
  const parts: Buffer[] = [];
  for (const f of fields) {
    const disp = f.filename !== undefined ? `form-data; name="${f.name}"; filename="${f.filename}"` : `form-data; name="${f.name}"`;
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n\r\n`));
    parts.push(Buffer.isBuffer(f.value) ? f.value : Buffer.from(f.value));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Cookies from Set-Cookie headers. */
export function setCookies(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of headers['set-cookie'] ?? []) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
}

/** The Python client's session: handshake, then every call with its cookie and XSRF header. */
export async function pythonClientSession(base: string, user: string, apikey: string) {
  const common = { 'user-agent': 'python-requests/2.32.3', accept: '*/*', 'accept-encoding': 'gzip, deflate', connection: 'keep-alive' };
  const init = await rawRequest(`${base}/api/v3/auth/init/`, { headers: { ...common, 'content-type': 'application/json' } });
  if (init.status !== 404) throw new Error(`auth/init answered ${init.status}`);
  const login = await rawRequest(`${base}/api/v4/auth/login/`, {
    method: 'POST',
    headers: { ...common, 'content-type': 'application/json' },
    body: JSON.stringify({ user, apikey }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.raw}`);
  const cookies = setCookies(login.headers);
  const auth = { cookie: `session=${cookies.session}; XSRF-TOKEN=${cookies['XSRF-TOKEN']}`, 'x-xsrf-token': cookies['XSRF-TOKEN']! };
  const versions = await rawRequest(`${base}/api/`, { headers: { ...common, ...auth, 'content-type': 'application/json' } });
  if (!versions.body?.api_response?.includes('v4')) throw new Error('GET /api/ did not list v4');
  return {
    get: (path: string) => rawRequest(`${base}${path}`, { headers: { ...common, ...auth, 'content-type': 'application/json' } }),
    postJson: (path: string, body: unknown) =>
      rawRequest(`${base}${path}`, { method: 'POST', headers: { ...common, ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    postMultipart: (path: string, fields: Parameters<typeof multipart>[0]) => {
      const m = multipart(fields);
      return rawRequest(`${base}${path}`, { method: 'POST', headers: { ...common, ...auth, 'content-type': m.contentType }, body: m.body });
    },
  };
}

/**
 * Ingests one file the way the Python client does (multipart, a notification queue) and waits for its
 * notification message; fails when it does not come within `timeoutMs`.
 */
export async function ingestAndWait(
  client: Awaited<ReturnType<typeof pythonClientSession>>, name: string, bytes: Buffer, queue: string, timeoutMs = 120_000,
): Promise<any> {
  const r = await client.postMultipart('/api/v4/ingest/', [
    { name: 'json', value: JSON.stringify({ name, metadata: {}, type: 'AL_CLIENT', notification_queue: queue }) },
    { name: 'bin', value: bytes, filename: name },
  ]);
  if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.raw.toString()}`);
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const [msg] = (await client.get(`/api/v4/ingest/get_message_list/${queue}/`)).body.api_response;
    if (msg) return msg;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`no notification for ${name} on ${queue}`);
}
