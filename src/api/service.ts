// /api/v4/service/, /api/v4/heuristics/ and /api/v4/help/: what analysers this deployment runs, their
// heuristics, and the system settings and constants clients adapt to.
import { Type } from '@sinclair/typebox';
import { CLASSIFICATION_DEFINITION } from '../core/classification.js';
import { notFound } from '../core/errors.js';
import type { RegisteredService } from '../core/dispatch/registry.js';
import { heuristicStat } from '../core/report/heuristic-stats.js';
import type { HeuristicRecord, ResultRecord } from '../core/results/model.js';
import { TAG_TYPE_LIST } from '../sdk/tags/taxonomy.js';
import { SERVICE_CATEGORIES, SERVICE_STAGES } from '../sdk/manifest.js';
import type { ApiApp, AppContext } from './context.js';
import { AnyJson, Enveloped, reply } from './envelope.js';

const PRIORITIES = { low: [1, 100], medium: [101, 200], high: [201, 300], critical: [301, 400], 'user-low': [401, 500], 'user-medium': [501, 1000], 'user-high': [1001, 1500] };
const DEFAULT_ACCEPTS = '.*';
const DEFAULT_REJECTS = 'empty|metadata/.*';

/** A service as Assemblyline's service model presents it. */
export function serviceDocument(s: RegisteredService): Record<string, unknown> {
  const m = s.manifest;
  return {
    name: m.name,
    version: m.version,
    enabled: m.enabled !== false,
    category: m.category,
    stage: m.stage,
    description: m.description ?? '',
    accepts: m.accepts || DEFAULT_ACCEPTS,
    rejects: m.rejects ?? DEFAULT_REJECTS,
    timeout: m.timeoutSeconds,
    ram_mb: m.memoryMb ?? null,
    disable_cache: Boolean(m.disableCache),
    is_external: false,
    recursion_prevention: m.recursionPrevention ?? [],
    classification: 'TLP:C',
    default_result_classification: 'TLP:C',
    config: m.config ?? {},
    submission_params: (m.submissionParams ?? []).map((p) => ({ ...p, value: p.value ?? p.default })),
    heuristics: m.heuristics.map((h) => ({ heur_id: `${m.name.toUpperCase()}.${h.id}`, name: h.name, score: h.score })),
  };
}

export default async function serviceRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const services = () => ctx.registry.all().sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
  const heuristics = ctx.storage.datastore.collection<HeuristicRecord>('heuristic');

  app.get(
    '/api/v4/service/all/',
    { schema: { tags: ['service'], summary: 'Every service of this deployment', response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: [] } } },
    async (_req, res) =>
      reply(
        res,
        services().map((s) => {
          const d = serviceDocument(s);
          return { accepts: d.accepts, category: d.category, classification: d.classification, description: d.description, enabled: d.enabled, name: d.name, privileged: false, rejects: d.rejects, stage: d.stage, version: d.version };
        }),
      ),
  );

  app.get(
    '/api/v4/service/:name/',
    { schema: { tags: ['service'], summary: "A service's configuration", params: Type.Object({ name: Type.String() }), response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['administration'] } } },
    async (req, res) => {
      const { name } = req.params as { name: string };
      const s = ctx.registry.get(name);
      if (!s) throw notFound(`${name} service does not exist`, '');
      return reply(res, serviceDocument(s));
    },
  );

  app.get(
    '/api/v4/heuristics/:heur_id/',
    { schema: { tags: ['heuristic'], summary: 'A heuristic and its statistics', params: Type.Object({ heur_id: Type.String() }), response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: ['heuristic_view'] } } },
    async (req, res) => {
      const { heur_id } = req.params as { heur_id: string };
      const h = await heuristics.get(heur_id);
      if (!h) throw notFound('Heuristic not found', {});
      const { heur_id: _id, name: _name, classification: _c, ...stats } = await heuristicStat(h, ctx.storage.datastore.collection<ResultRecord>('result'));
      return reply(res, { ...h, stats });
    },
  );

  app.get(
    '/api/v4/help/configuration/',
    { schema: { tags: ['help'], summary: 'The system settings a client may rely on', response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: [] } } },
    async (_req, res) => {
      const c = ctx.config;
      const byKey = (key: 'category' | 'stage', values: readonly string[]) =>
        values.map((v) => [v, services().filter((s) => s.manifest[key] === v).map((s) => s.manifest.name)]);
      return reply(res, {
        'core.ingester.default_max_extracted': 100,
        'core.ingester.default_max_supplementary': 100,
        'services.categories': byKey('category', SERVICE_CATEGORIES),
        'services.stages': byKey('stage', SERVICE_STAGES),
        'submission.default_max_extracted': c.submission.defaultMaxExtracted,
        'submission.default_max_supplementary': c.submission.defaultMaxSupplementary,
        'submission.dtl': c.submission.dtl,
        'submission.max_dtl': c.submission.maxDtl,
        'submission.max_extraction_depth': c.submission.maxExtractionDepth,
        'submission.max_file_size': c.submission.maxFileSize,
        'submission.max_metadata_length': c.submission.maxMetadataLength,
        'submission.verdicts.info': c.submission.verdicts.info,
        'submission.verdicts.suspicious': c.submission.verdicts.suspicious,
        'submission.verdicts.highly_suspicious': c.submission.verdicts.highly_suspicious,
        'submission.verdicts.malicious': c.submission.verdicts.malicious,
        'ui.allow_raw_downloads': c.ui.allowRawDownloads,
        'ui.allow_zip_downloads': c.ui.allowZipDownloads,
        'ui.download_encoding': 'cart',
        'ui.default_zip_password': 'infected',
        'ui.enforce_quota': false,
        'ui.ingest_max_priority': 250,
      });
    },
  );

  app.get(
    '/api/v4/help/classification_definition/',
    {
      schema: {
        tags: ['help'], summary: 'The classification scheme in force (levels, groups, what is restricted)',
        querystring: Type.Object({ original: Type.Optional(Type.String({ description: 'the definition as configured (Assay ships no other form)' })) }),
        response: { 200: Enveloped(AnyJson) },
      },
      config: { auth: { roles: [] } },
    },
    async (_req, res) => reply(res, CLASSIFICATION_DEFINITION),
  );

  app.get(
    '/api/v4/help/constants/',
    { schema: { tags: ['help'], summary: 'Priorities, file types with the services that take them, tag types', response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: [] } } },
    async (_req, res) => {
      const all = services();
      const isDefault = (s: RegisteredService) => (s.manifest.accepts || DEFAULT_ACCEPTS) === DEFAULT_ACCEPTS && (s.manifest.rejects ?? DEFAULT_REJECTS) === DEFAULT_REJECTS;
      const specific = all.filter((s) => !isDefault(s));
      const fileTypes = [...new Set((await ctx.intake.files.search({ fields: ['type'], limit: 100_000 })).items.map((f) => f.type))].sort();
      return reply(res, {
        max_priority: 1500,
        priorities: PRIORITIES,
        file_types: [
          ['*', all.filter(isDefault).map((s) => s.manifest.name)],
          ...fileTypes.map((t) => [t, specific.filter((s) => s.accepts.test(t) && !s.rejects.test(t)).map((s) => s.manifest.name).sort()]),
        ],
        tag_types: [...TAG_TYPE_LIST].sort(),
      });
    },
  );

  app.get(
    '/api/v4/help/tos/',
    { schema: { tags: ['help'], summary: 'Terms of service (markdown) or null', response: { 200: Enveloped(AnyJson) } }, config: { auth: { roles: [], anonymous: true } } },
    async (_req, res) => reply(res, ctx.config.ui.tos),
  );
}
