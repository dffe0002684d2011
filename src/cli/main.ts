// The `assay` command.
import { Command } from 'commander';
import { ASSAY_VERSION } from '../config.js';
import * as apikey from './commands/apikey.js';
import * as cart from './commands/cart.js';
import * as serve from './commands/serve.js';
import * as user from './commands/user.js';

export function buildProgram(): Command {
  const program = new Command('assay')
    .description('Assay: file analysis and malware triage with an Assemblyline 4 compatible API')
    .version(ASSAY_VERSION)
    .showHelpAfterError();
  for (const mod of [serve, user, apikey, cart]) mod.register(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: Error) => {
    process.stderr.write(`assay: ${err.message}\n`);
    process.exit(1);
  });
