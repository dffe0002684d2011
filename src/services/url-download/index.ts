// URL download: fetches the address a URI file names, behind an SSRF guard, and hands the content back as a
// DOWNLOADED child so every other analyser sees it. The redirect chain, the final response's status and headers
// are reported; refusals, DNS failures, time-outs and oversized content are sections, not errors.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputSection, ServiceContext, ServiceManifest, ServiceOutput, ServiceTask } from '../../sdk/index.js';
import { ipRange, isDomain } from '../../sdk/iocs.js';
import { download, type FetchOutcome, type Hop } from './fetch.js';
import { normalHost, parseAllowList } from './guard.js';
import { parseUriFile } from './uri-file.js';

export const manifest: ServiceManifest = {
  name: 'URLDownload',
  version: '1.0.0',
  // EXTRACT, so that the downloaded content is a child analysed by every stage like an extracted file.
  stage: 'EXTRACT',
  category: 'Internet Connected',
  description: 'Downloads the content of submitted http/https URLs (with redirects) behind an SSRF guard.',
  accepts: 'uri/',
  timeoutSeconds: 60,
  memoryMb: 256,
  // Downloads are of the moment: the same URL may serve different content tomorrow.
  disableCache: true,
  config: {
    max_size_mb: 20,
    max_redirects: 5,
    timeout_seconds: 45,
    user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    // Administrators may open internal hosts or networks (e.g. a test lab); nothing internal is reachable otherwise.
    allow_hosts: [],
    allow_networks: [],
  },
  heuristics: [
    { id: 1, name: 'Download refused by policy', score: 0, description: 'The URL points at an address the SSRF guard refuses.' },
    { id: 2, name: 'Redirected to another host', score: 0, description: 'The URL redirects to a different host.', attack: ['T1105'] },
  ],
};

interface Config {
  maxBytes: number;
  maxRedirects: number;
  timeoutMs: number;
  userAgent: string;
}

function config(c: Record<string, unknown>): Config {
  const n = (k: string, d: number) => (Number.isFinite(Number(c[k])) && Number(c[k]) >= 0 ? Number(c[k]) : d);
  return {
    maxBytes: Math.max(1, Math.floor(n('max_size_mb', 20) * 1024 * 1024)),
    maxRedirects: Math.floor(n('max_redirects', 5)),
    timeoutMs: Math.max(1, n('timeout_seconds', 45) * 1000),
    userAgent: typeof c.user_agent === 'string' ? c.user_agent : String(manifest.config!.user_agent),
  };
}

/** A host worth a tag: an IP address or a registrable domain ("intranet" or "x.internal" are not). */
const taggable = (host: string) => ipRange(normalHost(host)) !== undefined || isDomain(normalHost(host));

function hostTags(hosts: string[], kind: 'static' | 'dynamic'): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  for (const h of hosts.filter(taggable)) {
    const key = ipRange(normalHost(h)) !== undefined ? `network.${kind}.ip` : `network.${kind}.domain`;
    const list = (tags[key] ??= []);
    if (!list.includes(normalHost(h))) list.push(normalHost(h));
  }
  return tags;
}

function chainSection(hops: Hop[]): OutputSection {
  const rows = hops.map((h, i) => ({
    hop: i, url: h.url, address: h.address ?? '', status: h.status ?? '', location: h.location ?? '', refused: h.refused ?? '',
  }));
  const later = hops.slice(1).filter((h) => taggable(h.host)).map((h) => h.url);
  const crossHost = hops.some((h, i) => i > 0 && normalHost(h.host) !== normalHost(hops[0]!.host));
  const tags: Record<string, string[]> = { ...hostTags(hops.slice(1).map((h) => h.host), 'dynamic') };
  if (later.length) tags['network.dynamic.uri'] = later;
  const ips = hops.flatMap((h) => (h.address ? [h.address] : []));
  if (ips.length) tags['network.dynamic.ip'] = [...new Set([...(tags['network.dynamic.ip'] ?? []), ...ips])];
  return {
    title: hops.length > 1 ? `Redirect chain (${hops.length - 1} redirect${hops.length > 2 ? 's' : ''})` : 'Request',
    bodyFormat: 'TABLE', body: rows, tags,
    heuristic: crossHost ? { id: 2, signatures: { cross_host_redirect: 1 } } : undefined,
  };
}

function failureSection(out: Exclude<FetchOutcome, { kind: 'ok' }>): OutputSection {
  const titles: Record<string, string> = {
    refused: 'Download refused: address not allowed', dns: 'Download failed: host not found', scheme: 'Download refused: unsupported scheme',
    redirects: 'Download stopped: too many redirects', too_large: 'Download stopped: content too large',
    timeout: 'Download stopped: time limit reached', error: 'Download failed',
  };
  return {
    title: titles[out.kind]!, bodyFormat: 'TEXT', body: out.message,
    heuristic: out.kind === 'refused' ? { id: 1, signatures: { ssrf_guard: 1 } } : undefined,
  };
}

export async function execute(task: ServiceTask, ctx: ServiceContext): Promise<ServiceOutput> {
  const text = (await readFile(ctx.filePath)).subarray(0, 64 * 1024).toString('utf8');
  const uri = parseUriFile(text);
  if (!uri) return { sections: [{ title: 'No URI found', bodyFormat: 'TEXT', body: 'The URI file holds no `uri` value.' }] };

  const cfg = config(task.serviceConfig);
  const { allow, errors } = parseAllowList(task.serviceConfig.allow_hosts, task.serviceConfig.allow_networks);
  const sections: OutputSection[] = [];
  let parsed: URL | undefined;
  try {
    parsed = new URL(uri);
  } catch {
    parsed = undefined;
  }
  sections.push({
    title: 'Submitted URI', bodyFormat: 'KEY_VALUE', body: { uri, scheme: parsed?.protocol.replace(/:$/, '') ?? '', host: parsed?.hostname ?? '' },
    // Tagged in the canonical form the download uses ("http://0x7f000001/" is http://127.0.0.1/).
    tags: parsed?.hostname && taggable(parsed.hostname) ? { 'network.static.uri': [parsed.href], ...hostTags([parsed.hostname], 'static') } : undefined,
  });
  for (const e of errors) sections.push({ title: 'Configuration problem', bodyFormat: 'TEXT', body: e });

  const bodyPath = join(ctx.workDir, 'download.bin');
  const out = await withTimeLimit(ctx.signal, cfg.timeoutMs, (signal) =>
    download(uri, bodyPath, { maxBytes: cfg.maxBytes, maxRedirects: cfg.maxRedirects, userAgent: cfg.userAgent, allow, signal }));
  if (out.hops.length) sections.push(chainSection(out.hops));
  if (out.headers) {
    sections.push({
      title: `Response: HTTP ${out.status}`, bodyFormat: 'KEY_VALUE',
      body: { status: out.status, content_type: String(out.headers['content-type'] ?? ''), ...out.headers },
    });
  }
  if (out.kind !== 'ok') {
    sections.push(failureSection(out));
    return { sections };
  }
  const finalUrl = new URL(out.hops[out.hops.length - 1]!.url);
  const base = decodeURIComponent(finalUrl.pathname.split('/').pop() ?? '').replace(/[^\w.\- ]+/g, '_').slice(0, 100);
  const name = base || `${finalUrl.hostname}_index`;
  sections.push({
    title: 'Downloaded content', bodyFormat: 'KEY_VALUE',
    body: { name, size: out.bytes, status: out.status, content_type: String(out.headers['content-type'] ?? ''), final_url: finalUrl.href },
    tags: taggable(finalUrl.hostname) ? { 'network.dynamic.uri': [finalUrl.href] } : undefined,
  });
  if (out.bytes === 0) return { sections };
  return {
    sections,
    extracted: [{ name, path: out.path, description: `Downloaded from ${finalUrl.href}`, parentRelation: 'DOWNLOADED' }],
  };
}

/**
 * Runs `work` with a signal raised by the task's own signal (the service's time is up) or after `ms` (the
 * configured limit, which may be shorter). Built from a timer rather than AbortSignal.any over
 * AbortSignal.timeout: the composite holds its sources weakly, so a collected timeout signal would never fire.
 */
async function withTimeLimit<T>(task: AbortSignal, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort(task.reason);
  if (task.aborted) stop();
  else task.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('the download time limit was reached', 'TimeoutError')), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
    task.removeEventListener('abort', stop);
  }
}
