// /api/v4/ontology/: Assemblyline Result Ontology records of a submission, a file or an alert, downloaded as
// newline-delimited JSON (one record per line; an empty body when there is nothing to report).
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { toNdjson } from '../core/ontology/export.js';
import { readerOf } from '../core/submission/access.js';
import { principalOf, type ApiApp, type AppContext } from './context.js';
import { flag } from './submission.js';

const Listed = Type.Optional(Type.Array(Type.String(), { description: 'repeatable' }));
const FlagParam = Type.Optional(Type.String({ description: 'present (or "true"): every result, not only the newest per service' }));

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
  const ontology = ctx.ontology;
  const readerIn = (req: Parameters<typeof principalOf>[0]) => readerOf(principalOf(req));

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
      const { sid } = req.params;
      return sendRecords(res, `submission_${sid}.ontology`, await ontology.ofSubmission(sid, readerIn(req), req.query));
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
      const { alert_id } = req.params;
      return sendRecords(res, `alert_${alert_id}.ontology`, await ontology.ofAlert(alert_id, readerIn(req), req.query));
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
      const sha256 = req.params.sha256.toLowerCase();
      return sendRecords(res, `file_${sha256}.ontology`, await ontology.ofFile(sha256, readerIn(req), { service: req.query.service, all: flag(req.query.all) }));
    },
  );
}
