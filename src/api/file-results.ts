// /api/v4/file/result/, /file/score/ and /file/children/: what analysis said about a file across submissions.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, notFound } from '../core/errors.js';
import { formatResult } from '../core/results/format.js';
import type { ErrorRecord, ResultRecord } from '../core/results/model.js';
import { fileResultsSummary } from '../core/results/summary.js';
import { readerOf, type Reader } from '../core/submission/access.js';
import type { Filter } from '../store/datastore.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';
import { visibilityOf } from './visibility.js';

const Sha = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });
const view = { auth: { roles: ['submission_view' as const] } };

export default async function fileResultRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const results = ctx.storage.datastore.collection<ResultRecord>('result');
  const errors = ctx.storage.datastore.collection<ErrorRecord>('error');

  const visibility = visibilityOf(ctx);
  /** The caller, and the file if they may see it. */
  const fileInfo = async (req: FastifyRequest) => {
    const reader = readerOf(principalOf(req));
    const info = await ctx.intake.files.get((req.params as { sha256: string }).sha256.toLowerCase());
    if (!info) throw notFound('This file does not exists.', {});
    if (!(await visibility.canSee(reader, 'file', info.sha256))) throw forbidden('You are not allowed to view this file.', {});
    return { info, reader };
  };
  /** The file's records of a kind, within what the reader may see (other groups' analyses stay theirs). */
  const ofFile = (sha256: string, kind: 'result' | 'error', reader: Reader): Filter => {
    const access = visibility.filter(kind, reader);
    const one: Filter = { op: 'eq', field: 'sha256', value: sha256 };
    return access ? { op: 'and', items: [one, access] } : one;
  };
  /** Every stored result of the file the reader may see, newest first, grouped by service. */
  const byService = async (sha256: string, reader: Reader) => {
    const all = await results.search({ filter: ofFile(sha256, 'result', reader), sort: [{ field: 'created', dir: 'desc' }], limit: 10_000 });
    const groups = new Map<string, Array<ResultRecord & { id: string }>>();
    for (const r of all.items) {
      const list = groups.get(r.response.service_name) ?? [];
      list.push(r);
      groups.set(r.response.service_name, list);
    }
    return groups;
  };

  app.get(
    '/api/v4/file/result/:sha256/',
    { schema: { tags: ['file'], summary: "A file's latest result from each service, with its errors, children and aggregates", params: Type.Object({ sha256: Sha }), response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => {
      const { info, reader } = await fileInfo(req);
      const groups = await byService(info.sha256, reader);
      const latest = [...groups.values()].map((l) => formatResult(l[0]!, { minClassification: info.classification, buildHierarchy: true })!).filter(Boolean);
      const alternates = Object.fromEntries([...groups].map(([svc, l]) => [svc, l.slice(1).map((r) => ({ id: r.id, created: r.created, result: { score: r.result.score }, response: { service_version: r.response.service_version } }))]));
      const errs = await errors.search({ filter: ofFile(info.sha256, 'error', reader), sort: [{ field: 'created', dir: 'desc' }], limit: 100 });
      return reply(res, {
        classification: info.classification,
        file_info: info,
        results: latest,
        alternates,
        errors: errs.items,
        parents: [],
        childrens: childrenOf([...groups.values()].flat()),
        metadata: {},
        ...fileResultsSummary(latest, ctx.config.submission.verdicts),
        file_viewer_only: true,
      });
    },
  );

  app.get(
    '/api/v4/file/result/:sha256/:service/',
    { schema: { tags: ['file'], summary: "A file's results from one service (latest, or all with ?all)", params: Type.Object({ sha256: Sha, service: Type.String() }), querystring: Type.Object({ all: Type.Optional(Type.String()) }), response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => {
      const { service } = req.params as { service: string };
      const { info, reader } = await fileInfo(req);
      const list = (await byService(info.sha256, reader)).get(service) ?? [];
      const all = (req.query as { all?: string }).all !== undefined;
      return reply(res, { file_info: info, results: (all ? list.slice(0, 100) : list.slice(0, 1)).map((r) => formatResult(r, { buildHierarchy: true })) });
    },
  );

  app.get(
    '/api/v4/file/score/:sha256/',
    { schema: { tags: ['file'], summary: "A file's score: the sum of the latest result of each service", params: Type.Object({ sha256: Sha }), response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => {
      const { info, reader } = await fileInfo(req);
      const latest = [...(await byService(info.sha256, reader)).values()].map((l) => l[0]!);
      return reply(res, { file_info: info, score: latest.reduce((n, r) => n + r.result.score, 0), result_keys: latest.map((r) => r.id) });
    },
  );

  app.get(
    '/api/v4/file/children/:sha256/',
    { schema: { tags: ['file'], summary: 'Files extracted from this one, by any service', params: Type.Object({ sha256: Sha }), response: { 200: Enveloped(AnyJson) } }, config: view },
    async (req, res) => {
      const { info, reader } = await fileInfo(req);
      return reply(res, childrenOf([...(await byService(info.sha256, reader)).values()].flat()));
    },
  );
}

/** Extracted files of the given results, each once, in result order. */
function childrenOf(list: ResultRecord[]): Array<{ sha256: string; name: string }> {
  const seen = new Set<string>();
  const out: Array<{ sha256: string; name: string }> = [];
  for (const r of list) {
    for (const x of r.response.extracted) {
      if (seen.has(x.sha256)) continue;
      seen.add(x.sha256);
      out.push({ sha256: x.sha256, name: x.name });
    }
  }
  return out;
}
