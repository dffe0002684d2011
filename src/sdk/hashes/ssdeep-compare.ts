// Similarity score of two ssdeep digests, equal to libfuzzy 2.14's fuzzy_compare.

const ROLLING_WINDOW = 7;
const MIN_BLOCKSIZE = 3;
const SPAMSUM_LENGTH = 64;

interface ParsedDigest {
  blockSize: number;
  part1: string;
  part2: string;
}

/**
 * Reads one part of a digest the way libfuzzy does: stops at `end` (or the end of the string), drops
 * any character repeating a run already 3 long (such runs carry little information and would make
 * unrelated files look alike), and rejects a part that still exceeds 64 characters.
 */
function readPart(s: string, from: number, end: string): { part: string; next: number } | null {
  let out = '';
  let run = 0;
  let i = from;
  for (; i < s.length && s[i] !== end; i++) {
    const ch = s[i];
    if (out.length > 0 && ch === out[out.length - 1]) {
      if (++run >= 3) {
        run = 3;
        continue;
      }
    } else {
      run = 0;
    }
    if (out.length === SPAMSUM_LENGTH) return null;
    out += ch;
  }
  return { part: out, next: i };
}

function parseDigest(s: string): ParsedDigest | null {
  // Like libfuzzy: a leading decimal block size, then everything after the first ':' in the string.
  const m = /^\s*\+?(\d+)/.exec(s);
  const colon = s.indexOf(':');
  if (!m || colon < 0) return null;
  const p1 = readPart(s, colon + 1, ':');
  if (!p1 || p1.next >= s.length) return null;
  const p2 = readPart(s, p1.next + 1, ',');
  if (!p2) return null;
  return { blockSize: Number(m[1]), part1: p1.part, part2: p2.part };
}

/** True when the two strings share a substring of ROLLING_WINDOW characters. */
function hasCommonSubstring(a: string, b: string): boolean {
  const seen = new Set<string>();
  for (let i = 0; i + ROLLING_WINDOW <= a.length; i++) seen.add(a.slice(i, i + ROLLING_WINDOW));
  for (let j = 0; j + ROLLING_WINDOW <= b.length; j++) {
    if (seen.has(b.slice(j, j + ROLLING_WINDOW))) return true;
  }
  return false;
}

/** Edit distance with insertion and deletion costing 1 and substitution 2 (as libfuzzy weighs it). */
function editDistance(a: string, b: string): number {
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 0; i < a.length; i++) {
    cur[0] = i + 1;
    for (let j = 0; j < b.length; j++) {
      const replace = prev[j] + (a[i] === b[j] ? 0 : 2);
      cur[j + 1] = Math.min(prev[j + 1] + 1, cur[j] + 1, replace);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

function scoreStrings(a: string, b: string, bs: number): number {
  if (a.length < ROLLING_WINDOW || b.length < ROLLING_WINDOW) return 0;
  if (!hasCommonSubstring(a, b)) return 0;
  const sum = a.length + b.length;
  let score = Math.floor((editDistance(a, b) * SPAMSUM_LENGTH) / sum);
  score = 100 - Math.floor((100 * score) / SPAMSUM_LENGTH);
  // With tiny block sizes a match over few characters says little, so the score is capped.
  const smallBlockLimit = Math.floor((99 + ROLLING_WINDOW) / ROLLING_WINDOW) * MIN_BLOCKSIZE;
  if (bs >= smallBlockLimit) return score;
  return Math.min(score, Math.floor(bs / MIN_BLOCKSIZE) * Math.min(a.length, b.length));
}

/**
 * Similarity of two ssdeep digests, 0 (unrelated) to 100, equal to libfuzzy's `fuzzy_compare` (the score
 * `ssdeep -d` / `-m` prints). Digests whose block sizes differ by more than a factor of two score 0.
 * Returns -1 for a malformed digest, as libfuzzy does. A trailing `,"filename"` is ignored.
 */
export function ssdeepCompare(a: string, b: string): number {
  const da = parseDigest(a);
  const db = parseDigest(b);
  if (!da || !db) return -1;
  const bs1 = da.blockSize;
  const bs2 = db.blockSize;
  if (bs1 !== bs2 && bs1 * 2 !== bs2 && !(bs1 % 2 === 0 && bs1 / 2 === bs2)) return 0;
  if (bs1 === bs2 && da.part1 === db.part1 && da.part2 === db.part2) return 100;
  if (bs1 === bs2) {
    return Math.max(scoreStrings(da.part1, db.part1, bs1), scoreStrings(da.part2, db.part2, bs1 * 2));
  }
  if (bs1 * 2 === bs2) return scoreStrings(db.part1, da.part2, bs2);
  return scoreStrings(da.part1, db.part2, bs1);
}
