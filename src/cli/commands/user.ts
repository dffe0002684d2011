// `assay user …`: manage accounts directly in the data dir (works with the server stopped or running).
import { Command } from 'commander';
import { openCore } from '../../app.js';
import { randomPassword } from '../../core/auth/secrets.js';
import { rolesForUser } from '../../core/auth/roles.js';
import { addCommonOptions, configFromFlags, fail, type CommonFlags } from '../options.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

async function withCore<T>(flags: CommonFlags, fn: (core: Awaited<ReturnType<typeof openCore>>) => Promise<T>): Promise<T> {
  const core = await openCore(configFromFlags(flags));
  try {
    return await fn(core);
  } catch (err) {
    fail((err as Error).message);
  } finally {
    await core.close();
  }
}

export function register(program: Command): void {
  const user = new Command('user').description('Manage user accounts in the data dir');

  addCommonOptions(
    user
      .command('add <username>')
      .description('Create a user; prints a generated password unless --password is given')
      .option('--password <password>', 'initial password')
      .option('--type <types>', 'comma-separated user types: admin, user, signature_manager, signature_importer, viewer, submitter, custom', 'user')
      .option('--roles <roles>', 'comma-separated roles (for type custom)')
      .option('--groups <groups>', 'comma-separated groups', 'USERS')
      .option('--name <name>', 'full name')
      .option('--email <email>', 'e-mail address'),
  ).action(async (username: string, o: CommonFlags & { password?: string; type: string; roles?: string; groups: string; name?: string; email?: string }) => {
    const password = o.password ?? randomPassword();
    await withCore(o, (core) =>
      core.accounts.createUser({
        uname: username,
        password,
        type: list(o.type),
        roles: o.roles ? list(o.roles) : [],
        groups: list(o.groups),
        name: o.name,
        email: o.email ?? null,
      }),
    );
    process.stdout.write(`created user ${username}${o.password ? '' : `\npassword: ${password}`}\n`);
  });

  addCommonOptions(user.command('list').description('List users').option('--json', 'print JSON')).action(
    async (o: CommonFlags & { json?: boolean }) => {
      const res = await withCore(o, (core) => core.accounts.users.search({ sort: [{ field: 'uname', dir: 'asc' }], limit: 100_000 }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(res.items.map(({ password: _p, ...u }) => u), null, 2)}\n`);
        return;
      }
      for (const u of res.items) {
        const state = u.is_active ? 'active' : 'disabled';
        process.stdout.write(`${u.uname.padEnd(20)} ${u.type.join(',').padEnd(18)} ${state.padEnd(9)} ${rolesForUser(u.type, u.roles).length} roles\n`);
      }
    },
  );

  addCommonOptions(
    user
      .command('passwd <username>')
      .description('Set a new password (generated and printed unless --password is given); ends the user\'s sessions')
      .option('--password <password>', 'the new password'),
  ).action(async (username: string, o: CommonFlags & { password?: string }) => {
    const password = o.password ?? randomPassword();
    await withCore(o, async (core) => {
      await core.accounts.updateUser(username, { password });
      await core.sessions.destroyForUser(username);
    });
    process.stdout.write(`password of ${username} changed${o.password ? '' : `\npassword: ${password}`}\n`);
  });

  for (const [name, active] of [['disable', false], ['enable', true]] as const) {
    addCommonOptions(user.command(`${name} <username>`).description(`${active ? 'Re-enable' : 'Disable'} a user${active ? '' : ' and end their sessions'}`)).action(
      async (username: string, o: CommonFlags) => {
        await withCore(o, async (core) => {
          await core.accounts.updateUser(username, { is_active: active });
          if (!active) await core.sessions.destroyForUser(username);
        });
        process.stdout.write(`user ${username} ${active ? 'enabled' : 'disabled'}\n`);
      },
    );
  }

  program.addCommand(user);
}

export { withCore };
