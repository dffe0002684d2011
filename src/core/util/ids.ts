// Random identifiers in Assemblyline's shape: a UUID4's 128 bits written in base62 (about 22 characters).
import { randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomId(): string {
  // randomUUID draws from a pooled buffer of random bytes; randomBytes(16) asks the system on every call,
  // which costs more than everything else an id needs.
  let n = BigInt(`0x${randomUUID().replaceAll('-', '')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out || '0';
}
