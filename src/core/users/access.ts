// Who may act on which account: users manage themselves, administrators everyone. Each route words its refusal
// as Assemblyline does, so the rule is one predicate here and the messages stay with the services.
import type { Principal } from '../auth/authenticator.js';
import { AccessDenied, AssayError } from '../errors.js';

/** Whether `actor` may act on the account `uname`: their own, or any when they administer the system. */
export function actsFor(actor: Principal, uname: string): boolean {
  return uname === actor.user.uname || actor.roles.has('administration');
}

/**
 * The account a `<username>` segment names: `__CURRENT__` (any case) is the caller. Another user's account needs
 * administration; `what` completes the refusal ("view settings", "set settings").
 */
export function targetAccount(actor: Principal, username: string, what: string): string {
  const current = username.toLowerCase() === '__current__';
  if (!current && !actsFor(actor, username)) throw new AccessDenied(`You are not allowed to ${what} for another user then yourself.`);
  return current ? actor.user.uname : username;
}

/**
 * Assemblyline's check of a `<username>` segment at sign-in, before the route runs: the caller's own name, one
 * of the shared pseudo-users, or any name for administrators. Unlike `targetAccount`, `__CURRENT__` is let
 * through unresolved.
 */
export function assertUsernameMatches(actor: Principal, username: string): void {
  const special = ['__global__', '__workflow__'].includes(username) || username.toLowerCase() === '__current__';
  if (!special && !actsFor(actor, username)) throw new AssayError(403, 'Your username does not match requested username', {});
}
