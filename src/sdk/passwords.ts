// Password candidates, in the order they are tried: the deployment's list, passwords earlier services or
// parent files shared, the submitter's, then words of the email that carried the file (senders of
// protected archives usually put the password in the message body).
import type { ServiceTask } from './task.js';

/** Email words are guesses; cap them so a long message cannot turn into a brute force. */
const MAX_EMAIL_WORDS = 200;

export function emailWords(body: string): string[] {
  const words: string[] = [];
  for (const raw of body.split(/\s+/)) {
    // Passwords are often quoted or followed by punctuation ("pass: 'abc123'." → abc123), but punctuation
    // may also belong to the password, so both forms are tried.
    const unquoted = raw.replace(/^["'`(<[{]+|["'`)>\]}]+$/g, '');
    const bare = raw.replace(/^["'`(<[{]+/, '').replace(/["'`)>\]}:;,.!?]+$/, '');
    for (const word of [unquoted, bare]) {
      if (word.length >= 3 && word.length <= 64) words.push(word);
      const colon = word.indexOf(':');
      if (colon > 0 && colon < word.length - 1) words.push(word.slice(colon + 1));
    }
  }
  return [...new Set(words)].slice(0, MAX_EMAIL_WORDS);
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return [];
}

export function passwordCandidates(task: ServiceTask): string[] {
  const cfg = task.serviceConfig ?? {};
  const temp = task.tempSubmissionData ?? {};
  const list = [
    ...strings(cfg.passwords),
    ...strings(cfg.default_pw_list),
    ...strings(temp.passwords),
    ...strings(cfg.password),
    ...(typeof temp.email_body === 'string' ? emailWords(temp.email_body) : []),
  ];
  return [...new Set(list)];
}
