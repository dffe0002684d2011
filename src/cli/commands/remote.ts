// Options shared by the commands that talk to a server (ingest, listen, submit, download, search):
// where it is, who we are, and whether a self-signed certificate is acceptable.
import { Option, type Command } from 'commander';
import { Client } from '../../client/index.js';

export interface RemoteFlags {
  url?: string;
  user?: string;
  apikey?: string;
  insecure?: boolean;
  retries?: number;
}

export function addRemoteOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'server URL (env ASSAY_URL, or AL_HOST; default https://localhost:8443)')
    .option('--user <name>', 'user name (env ASSAY_USER or AL_USER)')
    .option('--apikey <name:secret>', 'API key (env ASSAY_APIKEY or AL_APIKEY); without one, env ASSAY_PASSWORD logs in by password')
    .option('--insecure', 'accept a certificate that does not verify, e.g. a self-signed one (env ASSAY_INSECURE=1)')
    .addOption(new Option('--retries <n>', 'retries on 502/503/504 and connection errors').argParser(positiveInt).default(5));
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
  return n;
}

function envFlag(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

/** The server URL from flags or environment; a bare AL_HOST (as the Assemblyline examples use) means HTTPS. */
export function serverUrl(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flags.url ?? env.ASSAY_URL ?? env.AL_HOST ?? 'https://localhost:8443';
  return /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
}

export function clientFromFlags(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): Client {
  const user = flags.user ?? env.ASSAY_USER ?? env.AL_USER;
  const key = flags.apikey ?? env.ASSAY_APIKEY ?? env.AL_APIKEY;
  const password = env.ASSAY_PASSWORD;
  if (!user) throw new Error('no user: give --user or set ASSAY_USER');
  if (!key && !password) throw new Error('no credentials: give --apikey, or set ASSAY_APIKEY or ASSAY_PASSWORD');
  return new Client({
    url: serverUrl(flags, env),
    apikey: key ? { user, key } : undefined,
    password: key ? undefined : { user, password: password! },
    insecure: Boolean(flags.insecure) || envFlag(env.ASSAY_INSECURE),
    retries: flags.retries,
  });
}

/**
 * `k=v` pairs into an object. Values that parse as JSON (numbers, booleans, lists, objects) are taken as such,
 * anything else as text; dotted keys nest (`services.selected=["Extract"]`) when `nest` is set.
 */
export function keyValues(pairs: string[] | undefined, opts: { nest: boolean; json: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of pairs ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`expected key=value, got "${kv}"`);
    const key = kv.slice(0, i);
    const raw = kv.slice(i + 1);
    let value: unknown = raw;
    if (opts.json) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    const path = opts.nest ? key.split('.') : [key];
    let node = out;
    for (const p of path.slice(0, -1)) {
      if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[path.at(-1)!] = value;
  }
  return out;
}

export const collect = (v: string, prev: string[] = []) => [...prev, v];
