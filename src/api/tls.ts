// TLS for the default HTTPS listener. Without --cert/--key, Assay makes a self-signed certificate on first
// start and keeps it in the data dir, so clients can pin it (or use verify=False / curl -k) across restarts.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  key: Buffer;
  cert: Buffer;
  certPath: string;
  generated: boolean;
}

export async function loadOrCreateCertificate(dataDir: string, fqdn: string, cert?: string, key?: string): Promise<TlsFiles> {
  if (cert || key) {
    if (!cert || !key) throw new Error('--cert and --key must be given together');
    return { cert: await readFile(cert), key: await readFile(key), certPath: cert, generated: false };
  }
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: await readFile(certPath), key: await readFile(keyPath), certPath, generated: false };
  }
  const names = [...new Set(['localhost', fqdn, hostname()])];
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: fqdn || 'localhost' }, { name: 'organizationName', value: 'Assay' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + 5 * 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((n) => ({ type: 2 as const, value: n })), { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }],
      },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await writeFile(certPath, pems.cert, { mode: 0o644 });
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), certPath, generated: true };
}
