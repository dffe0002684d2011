// `assay apikey …`: create, list and delete API keys directly in the data dir.
import { Command } from 'commander';
import { apikeyId } from '../../core/auth/accounts.js';
import { addCommonOptions, fail, type CommonFlags } from '../options.js';
import { withCore } from './user.js';

export function register(program: Command): void {
  const apikey = new Command('apikey').description('Manage API keys in the data dir');

  addCommonOptions(
    apikey
      .command('add <username> <keyname>')
      .description('Create a key and print it once as name:secret')
      .option('--acl <letters>', 'privileges: R (read), W (write), E (extended), C (custom roles)', 'RW')
      .option('--roles <roles>', 'comma-separated roles, with --acl C')
      .option('--expiry <iso-date>', 'expiry timestamp'),
  ).action(async (username: string, keyname: string, o: CommonFlags & { acl: string; roles?: string; expiry?: string }) => {
    const acl = o.acl.toUpperCase().split('').filter((c) => c.trim());
    const out = await withCore(o, (core) =>
      core.accounts.createApikey({
        uname: username,
        keyName: keyname,
        acl,
        roles: o.roles?.split(',').map((s) => s.trim()),
        expiryTs: o.expiry ?? null,
      }),
    );
    process.stdout.write(`${out.keypassword}\n`);
  });

  addCommonOptions(apikey.command('list [username]').description('List keys (all, or one user\'s)').option('--json', 'print JSON')).action(
    async (username: string | undefined, o: CommonFlags & { json?: boolean }) => {
      const keys = await withCore(o, (core) => core.accounts.listApikeys(username));
      if (o.json) return void process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
      for (const k of keys) {
        process.stdout.write(`${k.id.padEnd(32)} ${k.acl.join('').padEnd(4)} created ${k.creation_date}  last used ${k.last_used ?? 'never'}\n`);
      }
    },
  );

  addCommonOptions(apikey.command('delete <username> <keyname>').description('Delete a key')).action(
    async (username: string, keyname: string, o: CommonFlags) => {
      const ok = await withCore(o, (core) => core.accounts.deleteApikey(apikeyId(keyname, username)));
      if (!ok) fail(`no key ${keyname} for user ${username}`);
      process.stdout.write(`deleted key ${apikeyId(keyname, username)}\n`);
    },
  );

  program.addCommand(apikey);
}
