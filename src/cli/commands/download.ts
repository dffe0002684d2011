// `assay download SHA256`: fetch a file as CaRT (default), raw bytes or a password-protected zip.
import { Command, Option } from 'commander';
import { pipeline } from 'node:stream/promises';
import type { DownloadEncoding } from '../../client/index.js';
import { fail } from '../options.js';
import { addRemoteOptions, clientFromFlags, type RemoteFlags } from './remote.js';

interface DownloadFlags extends RemoteFlags {
  encoding: DownloadEncoding;
  output?: string;
  password?: string;
  sid?: string;
}

export function register(program: Command): void {
  const cmd = new Command('download')
    .description('Download a file by sha256 (CaRT by default, so it cannot run by accident)')
    .argument('<sha256>', 'the file')
    .addOption(new Option('--encoding <enc>', 'cart, raw or zip').choices(['cart', 'raw', 'zip']).default('cart'))
    .option('-o, --output <file>', 'where to write (default: <sha256>.cart, <sha256> or <sha256>.zip; - for stdout)')
    .option('--password <pw>', 'zip password (default: your user setting, "infected")')
    .option('--sid <sid>', 'submission whose metadata goes into the CaRT header');
  addRemoteOptions(cmd).action(async (sha256: string, o: DownloadFlags) => {
    if (!/^[0-9a-f]{64}$/i.test(sha256)) fail(`not a sha256: ${sha256}`);
    let client;
    try {
      client = clientFromFlags(o);
    } catch (err) {
      fail((err as Error).message);
    }
    const output = o.output ?? `${sha256.toLowerCase()}${o.encoding === 'cart' ? '.cart' : o.encoding === 'zip' ? '.zip' : ''}`;
    const opts = { encoding: o.encoding, password: o.password, sid: o.sid };
    try {
      if (output === '-') await pipeline(await client.file.downloadStream(sha256, opts), process.stdout);
      else {
        await client.file.downloadTo(sha256, output, opts);
        process.stderr.write(`wrote ${output}\n`);
      }
    } catch (err) {
      client.close();
      fail((err as Error).message);
    }
    client.close();
  });
  program.addCommand(cmd);
}
