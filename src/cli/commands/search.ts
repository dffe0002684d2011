// `assay search INDEX QUERY`: Lucene query on an index; a table of fields, or JSON.
import { Command } from 'commander';
import { SEARCH_INDICES, type SearchIndex } from '../../client/index.js';
import { fail } from '../options.js';
import { addRemoteOptions, clientFromFlags, collect, positiveInt, type RemoteFlags } from './remote.js';

interface SearchFlags extends RemoteFlags {
  rows: number;
  offset: number;
  fl?: string;
  sort?: string;
  filter?: string[];
  json?: boolean;
  all?: boolean;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/[\t\n\r]/g, ' ');
}

/** Dotted field names read nested values (`times.submitted`), or flat keys when the server returns them so. */
function field(item: Record<string, unknown>, name: string): unknown {
  if (name in item) return item[name];
  let v: unknown = item;
  for (const p of name.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

export function register(program: Command): void {
  const cmd = new Command('search')
    .description(`Search an index (${SEARCH_INDICES.join(', ')}) with a Lucene query`)
    .argument('<index>', 'index to search')
    .argument('<query>', 'Lucene query, e.g. "max_score:>=1000"')
    .option('--rows <n>', 'items per page', positiveInt, 25)
    .option('--offset <n>', 'items to skip', positiveInt, 0)
    .option('--fl <fields>', 'comma-separated fields to return and print')
    .option('--sort <spec>', 'e.g. "times.submitted desc"')
    .option('--filter <query>', 'filter query (repeatable)', collect)
    .option('--all', 'every match (deep paging) instead of one page')
    .option('--json', 'print JSON (one page object, or one item per line with --all)');
  addRemoteOptions(cmd).action(async (index: string, query: string, o: SearchFlags) => {
    if (!(SEARCH_INDICES as readonly string[]).includes(index)) fail(`unknown index ${index} (one of ${SEARCH_INDICES.join(', ')})`);
    let client;
    try {
      client = clientFromFlags(o);
    } catch (err) {
      fail((err as Error).message);
    }
    const fields = o.fl ? o.fl.split(',').map((f) => f.trim()).filter(Boolean) : ['id'];
    const row = (item: Record<string, unknown>) => `${fields.map((f) => cell(field(item, f))).join('\t')}\n`;
    try {
      if (o.all) {
        for await (const item of client.search.stream.index(index as SearchIndex, query, { fl: o.fl, filters: o.filter })) {
          process.stdout.write(o.json ? `${JSON.stringify(item)}\n` : row(item));
        }
      } else {
        const page = await client.search.query(index as SearchIndex, query, { rows: o.rows, offset: o.offset, fl: o.fl, sort: o.sort, filters: o.filter });
        if (o.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        else {
          for (const item of page.items) process.stdout.write(row(item));
          process.stderr.write(`${page.items.length} of ${page.total ?? '?'} (offset ${page.offset})\n`);
        }
      }
    } catch (err) {
      client.close();
      fail((err as Error).message);
    }
    client.close();
  });
  program.addCommand(cmd);
}
