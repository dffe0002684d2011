// The baseline for bench/ingest: a bare Fastify server with one multipart endpoint that streams the upload
// through sha256 and answers JSON. No auth, no storage: what an upload endpoint costs at minimum.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import multipart from '@fastify/multipart';

const app = Fastify({ logger: false });
await app.register(multipart);
app.post('/upload/', async (req) => {
  const hash = createHash('sha256');
  for await (const part of req.parts()) {
    if (part.type === 'file') for await (const chunk of part.file) hash.update(chunk as Buffer);
  }
  return { api_response: { sha256: hash.digest('hex') } };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
process.stdout.write(`listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
