// Password and API-key secret handling. Only argon2id hashes are stored; plain secrets exist in memory just long
// enough to be shown once or verified.
import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';

// OWASP's argon2id baseline (19 MiB, 2 passes): ~70 ms a hash on a small server, slow enough to hurt guessing.
const ARGON2_OPTS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashSecret(secret: string): Promise<string> {
  return hash(secret, ARGON2_OPTS);
}

export async function verifySecret(stored: string | null | undefined, secret: string): Promise<boolean> {
  if (!stored || !stored.startsWith('$argon2')) return false;
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  }
}

// Generated key secrets use letters, digits, '-' and '_' only: Assemblyline's alphabet also has
// ! @ $ ^ ? & * ( ), which a shell expands or acts on, so `export AL_APIKEY=name:secret` silently kept a
// different or shorter key. 64 symbols carry 6 bits each: 50 of them (300 bits) are at least as strong as
// Assemblyline's 48 symbols out of 72 (296 bits).
export const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const KEY_SECRET_LENGTH = 50;

export function randomSecret(length = KEY_SECRET_LENGTH, alphabet = KEY_ALPHABET): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A password that is easy to type: letters and digits only. */
export function randomPassword(length = 20): string {
  return randomSecret(length, 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789');
}
