// The `assay` command.
import { Command } from 'commander';
import { ASSAY_VERSION } from '../config.js';
import * as apikey from './commands/apikey.js';
import * as cart from './commands/cart.js';
import * as download from './commands/download.js';
import * as ingest from './commands/ingest.js';
import * as listen from './commands/listen.js';
import * as search from './commands/search.js';
import * as serve from './commands/serve.js';
import * as submit from './commands/submit.js';
import * as user from './commands/user.js';

export function buildProgram(): Command {
  const program = new Command('assay')
    .description('Assay: file analysis and malware triage with an Assemblyline 4 compatible API')
    .version(ASSAY_VERSION)
    .showHelpAfterError();
  for (const mod of [serve, user, apikey, cart, ingest, listen, submit, download, search]) mod.register(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: Error) => {
    process.stderr.write(`assay: ${err.message}\n`);
    process.exit(1);
  });
