// `assay cart encode|decode FILE`: wrap a file in CaRT (neutered for transport) or unwrap one.
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { decodeCartFile, encodeCartFile, readCartMetadata } from '../../core/cart/index.js';
import { fail } from '../options.js';

export function register(program: Command): void {
  const cart = new Command('cart').description('Encode or decode CaRT files (the Assemblyline transport format)');

  cart
    .command('encode <file>')
    .description('Write FILE.cart (or --output) with the file name in its header')
    .option('-o, --output <path>', 'output path (default: <file>.cart)')
    .option('--name <name>', 'name stored in the header (default: the file name)')
    .option('--meta <key=value...>', 'extra header metadata')
    .action(async (file: string, o: { output?: string; name?: string; meta?: string[] }) => {
      const metadata: Record<string, string> = {};
      for (const kv of o.meta ?? []) {
        const i = kv.indexOf('=');
        if (i <= 0) fail(`--meta wants key=value, got "${kv}"`);
        metadata[kv.slice(0, i)] = kv.slice(i + 1);
      }
      const out = o.output ?? `${file}.cart`;
      try {
        const r = await encodeCartFile(file, out, { name: o.name ?? basename(file), metadata });
        process.stdout.write(`${out}\t${r.footer.sha256}\t${r.footer.length} bytes\n`);
      } catch (err) {
        fail((err as Error).message);
      }
    });

  cart
    .command('decode <file>')
    .description('Restore the original file (default: FILE without its .cart suffix, or FILE.uncart)')
    .option('-o, --output <path>', 'output path')
    .option('-f, --force', 'overwrite an existing output file')
    .option('--show', 'print the header and footer metadata without decoding')
    .action(async (file: string, o: { output?: string; show?: boolean; force?: boolean }) => {
      try {
        if (o.show) {
          process.stdout.write(`${JSON.stringify(await readCartMetadata(file), null, 2)}\n`);
          return;
        }
        const out = o.output ?? (/\.cart$/i.test(file) ? file.slice(0, -5) : `${file}.uncart`);
        if (!o.force && existsSync(out)) fail(`${out} exists (use --force or --output)`);
        const r = await decodeCartFile(file, out, { verify: true });
        process.stdout.write(`${out}\t${String(r.footer.sha256 ?? '')}\n`);
      } catch (err) {
        fail((err as Error).message);
      }
    });

  program.addCommand(cart);
}
