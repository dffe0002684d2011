// First start: an empty system gets one administrator with a password and an API key, so the operator can sign
// in at once. ASSAY_ADMIN_PASSWORD and ASSAY_ADMIN_APIKEY ("name:secret") choose them, for automation.
import { badRequest } from '../errors.js';
import type { Accounts } from './accounts.js';
import { randomPassword } from './secrets.js';

export interface FirstStartCredentials {
  username: string;
  password: string;
  apikey: string;
  passwordFromEnv: boolean;
  apikeyFromEnv: boolean;
}

export async function ensureFirstAdmin(accounts: Accounts, env: NodeJS.ProcessEnv = process.env): Promise<FirstStartCredentials | null> {
  if ((await accounts.users.count()) > 0) return null;
  const username = 'admin';
  const password = env.ASSAY_ADMIN_PASSWORD || randomPassword();
  await accounts.createUser({ uname: username, password, name: 'Administrator', type: ['admin'], groups: ['USERS', 'ADMIN'] });
  let apikey: string;
  if (env.ASSAY_ADMIN_APIKEY) {
    const sep = env.ASSAY_ADMIN_APIKEY.indexOf(':');
    if (sep <= 0 || sep === env.ASSAY_ADMIN_APIKEY.length - 1) {
      throw badRequest('ASSAY_ADMIN_APIKEY must look like name:secret');
    }
    const name = env.ASSAY_ADMIN_APIKEY.slice(0, sep);
    await accounts.importApikey(username, name, env.ASSAY_ADMIN_APIKEY.slice(sep + 1), ['E', 'R', 'W']);
    apikey = env.ASSAY_ADMIN_APIKEY;
  } else {
    apikey = (await accounts.createApikey({ uname: username, keyName: 'admin', acl: ['R', 'W', 'E'] })).keypassword;
  }
  return { username, password, apikey, passwordFromEnv: Boolean(env.ASSAY_ADMIN_PASSWORD), apikeyFromEnv: Boolean(env.ASSAY_ADMIN_APIKEY) };
}
