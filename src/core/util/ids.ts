// Identifiers in Assemblyline's shape: 128 bits written in base62 (21 or 22 characters).
import { randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LIMB = 2 ** 32;

/** Base62 of a 128-bit number given as four 32-bit limbs, most significant first (consumed). */
function base62(limbs: number[]): string {
  let out = '';
  while (limbs[0] || limbs[1] || limbs[2] || limbs[3]) {
    // Long division by 62; every intermediate stays below 2^38, exact in a double.
    let rem = 0;
    for (let i = 0; i < 4; i++) {
      const cur = rem * LIMB + limbs[i]!;
      limbs[i] = Math.floor(cur / 62);
      rem = cur - limbs[i]! * 62;
    }
    out = BASE62[rem]! + out;
  }
  return out || '0';
}

/**
 * 128 random bits as four limbs. randomUUID draws from a pooled buffer of random bytes; randomBytes(16) asks
 * the system on every call, which costs more than everything else an id needs.
 */
function randomLimbs(): number[] {
  const h = randomUUID();
  return [h.slice(0, 8), h.slice(9, 13) + h.slice(14, 18), h.slice(19, 23) + h.slice(24, 28), h.slice(28, 36)].map((x) => parseInt(x, 16));
}

/** A random identifier (a UUID4 in base62), as Assemblyline makes them. */
export function randomId(): string {
  return base62(randomLimbs());
}

/**
 * An identifier whose leading 48 bits are the time in milliseconds and the other 80 random: ids made later sort
 * after (same length until 2039), so records keyed by them are appended to their table's index instead of
 * landing on a random page of it. Clients see an ordinary opaque id.
 */
export function timeOrderedId(now = Date.now()): string {
  const limbs = randomLimbs();
  limbs[0] = Math.floor(now / 65536);
  limbs[1] = ((now % 65536) * 65536 + (limbs[1]! % 65536)) >>> 0;
  return base62(limbs);
}
