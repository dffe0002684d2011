// /api/v4/service/, /api/v4/heuristics/ and /api/v4/help/: what analysers this deployment runs, their
// heuristics, and the system settings and constants clients adapt to.
import { Type } from '@sinclair/typebox';
import { CLASSIFICATION_DEFINITION } from '../core/classification.js';
import { TAG_TYPE_LIST } from '../sdk/tags/taxonomy.js';
import type { ApiApp, AppContext } from './context.js';
import { Enveloped, reply } from './envelope.js';
import { ClassificationDefinition, Configuration, Constants, Heuristic, ServiceDocument, ServiceSummaries, TermsOfService } from './schemas/service.js';

/** Ingest priority bands, as Assemblyline names them. */
const PRIORITIES: Record<string, [number, number]> = {
  low: [1, 100], medium: [101, 200], high: [201, 300], critical: [301, 400], 'user-low': [401, 500], 'user-medium': [501, 1000], 'user-high': [1001, 1500],
};
const MAX_PRIORITY = 1500;
const anyUser = { auth: { roles: [] } };

export default async function serviceRoutes(app: ApiApp, ctx: AppContext): Promise<void> {
  const catalogue = ctx.catalogue;

  app.get(
    '/api/v4/service/all/',
    { schema: { tags: ['service'], summary: 'Every service of this deployment', response: { 200: Enveloped(ServiceSummaries) } }, config: anyUser },
    async (_req, res) => reply(res, catalogue.summaries()),
  );

  app.get(
    '/api/v4/service/:name/',
    {
      schema: { tags: ['service'], summary: "A service's configuration", params: Type.Object({ name: Type.String() }), response: { 200: Enveloped(ServiceDocument) } },
      config: { auth: { roles: ['administration'] } },
    },
    async (req, res) => reply(res, catalogue.document(req.params.name)),
  );

  app.get(
    '/api/v4/heuristics/:heur_id/',
    {
      schema: { tags: ['heuristic'], summary: 'A heuristic and its statistics', params: Type.Object({ heur_id: Type.String() }), response: { 200: Enveloped(Heuristic) } },
      config: { auth: { roles: ['heuristic_view'] } },
    },
    async (req, res) => reply(res, await ctx.heuristics.get(req.params.heur_id)),
  );

  app.get(
    '/api/v4/help/configuration/',
    { schema: { tags: ['help'], summary: 'The system settings a client may rely on', response: { 200: Enveloped(Configuration) } }, config: anyUser },
    async (_req, res) => {
      const c = ctx.config;
      return reply(res, {
        'core.ingester.default_max_extracted': 100,
        'core.ingester.default_max_supplementary': 100,
        'services.categories': catalogue.namesBy('category'),
        'services.stages': catalogue.namesBy('stage'),
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
        response: { 200: Enveloped(ClassificationDefinition) },
      },
      config: anyUser,
    },
    async (_req, res) => reply(res, CLASSIFICATION_DEFINITION),
  );

  app.get(
    '/api/v4/help/constants/',
    { schema: { tags: ['help'], summary: 'Priorities, file types with the services that take them, tag types', response: { 200: Enveloped(Constants) } }, config: anyUser },
    async (_req, res) =>
      reply(res, { max_priority: MAX_PRIORITY, priorities: PRIORITIES, file_types: await catalogue.fileTypes(), tag_types: [...TAG_TYPE_LIST].sort() }),
  );

  app.get(
    '/api/v4/help/tos/',
    { schema: { tags: ['help'], summary: 'Terms of service (markdown) or null', response: { 200: Enveloped(TermsOfService) } }, config: { auth: { roles: [], anonymous: true } } },
    async (_req, res) => reply(res, ctx.config.ui.tos),
  );
}
