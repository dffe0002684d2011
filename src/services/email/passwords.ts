// Passwords written in a message, for the archives attached to it. Senders of protected attachments write
// "Password: X", "the password is X", "PW X", "mot de passe : X", "Passwort: X"..., or put the word in quotes or
// bold next to the word "password". Candidates are cheap to try and Extract stops at the first that fits,
// so this errs on the side of more candidates, within a small cap.

const KEYWORDS = [
  'passwords?', 'passwort', 'passwd', 'pass\\s?word', 'pwd', 'pw', 'pass', 'passcode', 'mot\\s+de\\s+passe', 'mdp',
  'contrase(?:ñ|n)a', 'clave', 'senha', 'parola', 'wachtwoord', 'l(?:ö|o)senord', 'has(?:ł|l)o', 'heslo', 'jelszó',
  'пароль', '密码', '密碼', 'パスワード', '비밀번호', 'kennwort', 'code',
];
// Everyday words that name a password only when a ":" or "=" follows ("pass: X", "code = X").
const WEAK = /^(?:pass|code)$/i;
// Words that may stand between the keyword and the password ("the password is", "Passwort lautet", "est").
const FILLER = '(?:\\s*(?:is|ist|lautet|est|es|é|to|for\\s+the\\s+\\S+|(?:the\\s+)?(?:attachment|archive|file|zip|document)|d\'ouverture|de\\s+l[ae]?\\s?\\S+|:|=|-|–|—))*';
const KEYWORD_RE = new RegExp(`(?<![\\p{L}\\p{N}])(?:${KEYWORDS.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
// A separate non-global copy for yes/no tests: a global regex carries lastIndex between calls (and matchAll copies it).
const HAS_KEYWORD = new RegExp(KEYWORD_RE.source, 'iu');
const AFTER_RE = new RegExp(`^${FILLER}\\s*(?:"([^"\\n]{1,64})"|'([^'\\n]{1,64})'|“([^”\\n]{1,64})”|«\\s?([^»\\n]{1,64}?)\\s?»|‘([^’\\n]{1,64})’|(\\S{1,64}))`, 'iu');
const QUOTED_RE = /"([^"\s]{2,64})"|'([^'\s]{2,64})'|“([^”\s]{2,64})”|«\s?([^»\s]{2,64})\s?»|‘([^’\s]{2,64})’|\*([^*\s]{2,64})\*/gu;
// Filler words are never passwords on their own, nor are the keywords themselves.
const NOT_PASSWORDS = new Set(['is', 'ist', 'the', 'to', 'for', 'est', 'es', 'and', 'your', 'our', 'this', 'below', 'above', 'attached', 'protected', 'required', 'lautet', 'de']);

const MAX_TEXT = 200_000;
const MAX_PASSWORDS = 50;
const CONTEXT = 120;

function add(out: string[], raw: string | undefined): void {
  if (!raw || out.length >= MAX_PASSWORDS) return;
  const word = raw.trim();
  if (word.length < 2 || word.length > 64 || NOT_PASSWORDS.has(word.toLowerCase())) return;
  if (new RegExp(`^(?:${KEYWORDS.join('|')})$`, 'iu').test(word)) return;
  const variants = [word];
  // "Xy7!k2." ends a sentence, but punctuation may also belong to the password: keep both.
  const stripped = word.replace(/[.,;:!?)\]]+$/, '');
  if (stripped !== word && stripped.length >= 2) variants.push(stripped);
  for (const v of variants) if (!out.includes(v)) out.push(v);
}

/** Password candidates in a message's text (and the bold/strong words of its HTML), most likely first. */
export function findPasswords(text: string, html?: string | null): string[] {
  const out: string[] = [];
  const body = text.slice(0, MAX_TEXT);
  for (const m of body.matchAll(KEYWORD_RE)) {
    if (out.length >= MAX_PASSWORDS) break;
    const rest = body.slice(m.index! + m[0].length, m.index! + m[0].length + 200);
    if (WEAK.test(m[0]) && !/^\s*[:=]/.test(rest)) continue;
    const after = AFTER_RE.exec(rest);
    if (after) add(out, after.slice(1).find((g) => g !== undefined));
    // Quoted words near the keyword: "use “Xy7!k2” as the password".
    const near = body.slice(Math.max(0, m.index! - CONTEXT), m.index! + m[0].length + CONTEXT);
    for (const q of near.matchAll(QUOTED_RE)) add(out, q.slice(1).find((g) => g !== undefined));
  }
  if (html) {
    const h = html.slice(0, MAX_TEXT);
    for (const b of h.matchAll(/<(b|strong)\b[^>]*>\s*([^<\s]{2,64})\s*<\/\1>/gi)) {
      const near = h.slice(Math.max(0, b.index! - CONTEXT * 2), b.index! + b[0].length + CONTEXT).replace(/<[^>]*>/g, ' ');
      if (HAS_KEYWORD.test(near)) add(out, decodeEntities(b[2]));
    }
  }
  return out;
}

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos|nbsp);/gi, (all, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith('#x')) return safeChar(parseInt(k.slice(2), 16), all);
    if (k.startsWith('#')) return safeChar(parseInt(k.slice(1), 10), all);
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' } as Record<string, string>)[k] ?? all;
  });
}

function safeChar(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}
