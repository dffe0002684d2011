// /api/v4/ontology/: Assemblyline Result Ontology records of a submission, a file or an alert, downloaded as
// newline-delimited JSON (one record per line; an empty body when there is nothing to report).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { forbidden, notFound } from '../core/errors.js';
import { MAX_SUPPLIED_RECORD_BYTES, ontologyRecords, toNdjson, type ExportOverlay, type ExportSources } from '../core/ontology/export.js';
import { queryList, selectFileResults, selectResultKeys } from '../core/ontology/select.js';
import { defaultClassification } from '../core/results/c12n.js';
import type { HeuristicRecord, ResultRecord } from '../core/results/model.js';
import { canReadClassified, canReadSubmission, readerOf } from '../core/submission/access.js';
import type { SubmissionRecord } from '../core/submission/record.js';
import type { Principal } from '../core/auth/authenticator.js';
import type { Filter } from '../store/datastore.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { visibilityOf } from './visibility.js';

const Listed = Type.Optional(Type.Array(Type.String(), { description: 'repeatable' }));
const FlagParam = Type.Optional(Type.String({ description: 'present (or "true"): every result, not only the newest per service' }));
const PAGE = 500;
const flag = (v: string | undefined) => v !== undefined && ['', 'true'].includes(v.toLowerCase());

/** Assemblyline's download header: a neutral fallback name and the real one in filename*. */
function attachment(name: string): string {
  const quoted = encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename=file.bin; filename*=UTF-8''${quoted}`;
}

function sendRecords(res: FastifyReply, name: string, records: unknown[]): FastifyReply {
  const body = Buffer.from(toNdjson(records), 'utf8');
  return res.code(200).type('application/octet-stream').header('content-disposition', attachment(name)).header('content-length', body.length).send(body);
}

export default async function ontologyRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const results = ctx.storage.datastore.collection<ResultRecord>('result');
  const heuristics = ctx.storage.datastore.collection<HeuristicRecord>('heuristic');
  const alerts = ctx.storage.datastore.collection<{ sid: string; ts?: string; classification?: string; metadata?: Record<string, string>; file?: { sha256?: string } }>('alert');

  /** Records of the given results, with the file facts and catalogue scores they need. */
  const records = async (req: { principal?: Principal }, list: ResultRecord[], overlay: Omit<ExportOverlay, 'userClassification'>) => {
    const reader = readerOf(principalOf(req));
    const files = await ctx.intake.files.getMany([...new Set(list.map((r) => r.sha256))]);
    const ids = new Set<string>();
    for (const r of list) for (const s of r.result.sections) if (s.heuristic) ids.add(s.heuristic.heur_id);
    const catalogue = await heuristics.getMany([...ids]);
    const sources: ExportSources = {
      files,
      readStored: async (sha256) => {
        const s = await ctx.storage.filestore.stream(sha256, { start: 0, end: MAX_SUPPLIED_RECORD_BYTES });
        if (!s) return null;
        const chunks: Buffer[] = [];
        for await (const c of s) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      },
    };
    const userClassification = reader.isAdmin ? undefined : reader.classification;
    return ontologyRecords(list, sources, { ...overlay, userClassification }, { heuristicScore: (id) => catalogue.get(id)?.score });
  };

  /** Live submission facts every record of a submission (or its alert) carries. */
  const submissionFacts = (sub: SubmissionRecord, metadata: Record<string, string>, date: string) => ({
    metadata,
    date,
    source_system: ctx.config.ui.fqdn,
    sid: sub.sid,
    classification: sub.classification,
    submitter: sub.params.submitter,
    groups: sub.params.groups,
    max_score: sub.max_score,
    ...('original_source' in metadata ? { original_source: metadata.original_source } : {}),
  });
  const rootNames = (sub: SubmissionRecord) => new Map(sub.files.map((f) => [f.sha256, [f.name]]));
  const resultsOf = async (sub: SubmissionRecord, q: { sha256?: string[]; service?: string[] }) => {
    const keys = selectResultKeys(sub.results, queryList(q.sha256), queryList(q.service));
    const got = await results.getMany(keys);
    return keys.map((k) => got.get(k)).filter((r): r is ResultRecord => Boolean(r));
  };

  app.get(
    '/api/v4/ontology/submission/:sid/',
    {
      schema: {
        tags: ['ontology'],
        summary: 'Ontology records of a submission (newline-delimited JSON)',
        params: Type.Object({ sid: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ sha256: Listed, service: Listed }),
      },
      config: { auth: { roles: ['submission_view'] } },
    },
    async (req, res) => {
      const { sid } = req.params as { sid: string };
      const sub = await ctx.submissions.get(sid);
      if (!sub) throw notFound(`There is no submission with sid: ${sid}`);
      if (!canReadSubmission(readerOf(principalOf(req)), sub)) throw forbidden(`Your are not allowed get ontology files for this submission: ${sid}`);
      const list = await resultsOf(sub, req.query as { sha256?: string[]; service?: string[] });
      const out = await records(req, list, {
        updates: { file: { parent: sub.files[0]?.sha256 }, submission: submissionFacts(sub, sub.metadata ?? {}, sub.times.submitted) },
        names: rootNames(sub),
      });
      return sendRecords(res, `submission_${sid}.ontology`, out);
    },
  );

  app.get(
    '/api/v4/ontology/alert/:alert_id/',
    {
      schema: {
        tags: ['ontology'],
        summary: 'Ontology records of the submission behind an alert (newline-delimited JSON)',
        params: Type.Object({ alert_id: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ sha256: Listed, service: Listed }),
      },
      config: { auth: { roles: ['alert_view'] } },
    },
    async (req, res) => {
      const { alert_id } = req.params as { alert_id: string };
      const reader = readerOf(principalOf(req));
      const alert = await alerts.get(alert_id);
      if (!alert) throw notFound(`There is no alert with this ID: ${alert_id}`);
      if (!canReadClassified(reader, alert.classification ?? defaultClassification.unrestricted)) {
        throw forbidden(`You are not allowed get ontology files for this alert: ${alert_id}`);
      }
      const sub = await ctx.submissions.get(alert.sid);
      if (!sub) throw notFound(`The submission related to the alert is missing: ${alert_id}`);
      if (!canReadSubmission(reader, sub)) throw forbidden(`Your are not allowed get ontology files for the submission related to this alert: ${alert_id}`);
      const list = await resultsOf(sub, req.query as { sha256?: string[]; service?: string[] });
      const metadata = alert.metadata ?? {};
      const out = await records(req, list, {
        updates: { file: { parent: alert.file?.sha256 ?? sub.files[0]?.sha256 }, submission: submissionFacts(sub, metadata, alert.ts ?? sub.times.submitted) },
        names: rootNames(sub),
      });
      return sendRecords(res, `alert_${alert_id}.ontology`, out);
    },
  );

  app.get(
    '/api/v4/ontology/file/:sha256/',
    {
      schema: {
        tags: ['ontology'],
        summary: 'Ontology records of a file across submissions (newline-delimited JSON)',
        params: Type.Object({ sha256: Type.String({ minLength: 1, maxLength: 128 }) }),
        querystring: Type.Object({ service: Listed, all: FlagParam }),
      },
      config: { auth: { roles: ['submission_view'] } },
    },
    async (req, res) => {
      const sha256 = (req.params as { sha256: string }).sha256.toLowerCase();
      const q = req.query as { service?: string[]; all?: string };
      const info = await ctx.intake.files.get(sha256);
      if (!info) throw notFound(`There is no file with this hash: ${sha256}`);
      const reader = readerOf(principalOf(req));
      const visibility = visibilityOf(ctx);
      if (!canReadClassified(reader, info.classification) || !(await visibility.canSee(reader, 'file', sha256))) {
        throw forbidden(`Your are not allowed get ontology files for this hash: ${sha256}`);
      }
      // Only the results of submissions the caller may read.
      const access = visibility.filter('result', reader);
      const ofFile: Filter = { op: 'eq', field: 'sha256', value: sha256 };
      const found: ResultRecord[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await results.search({ filter: access ? { op: 'and', items: [ofFile, access] } : ofFile, offset, limit: PAGE, countTotal: false });
        found.push(...page.items);
        if (page.items.length < PAGE) break;
      }
      const list = selectFileResults(found, queryList(q.service), flag(q.all));
      const out = await records(req, list, { updates: { submission: { date: info.seen.last, source_system: ctx.config.ui.fqdn, classification: info.classification } } });
      return sendRecords(res, `file_${sha256}.ontology`, out);
    },
  );
}
