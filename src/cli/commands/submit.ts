// `assay submit FILE…`: analyse files now, wait, and print each file's verdict and score. The exit status is
// the worst verdict: 0 safe or informative, 2 suspicious or highly suspicious, 4 incomplete (an analysis failed in
// part, so its score proves nothing), 3 malicious (1 means an error).
import { Command } from 'commander';
import { fail } from '../options.js';
import { addRemoteOptions, clientFromFlags, collect, keyValues, positiveInt, type RemoteFlags } from './remote.js';

interface SubmitFlags extends RemoteFlags {
  param?: string[];
  metadata?: string[];
  json?: boolean;
  timeout: number;
}

export interface Verdicts {
  info: number;
  suspicious: number;
  highly_suspicious: number;
  malicious: number;
}
export const DEFAULT_VERDICTS: Verdicts = { info: 0, suspicious: 300, highly_suspicious: 700, malicious: 1000 };

export type Verdict = 'safe' | 'info' | 'suspicious' | 'highly_suspicious' | 'malicious' | 'incomplete';

export function verdictOf(score: number, v: Verdicts = DEFAULT_VERDICTS): Verdict {
  if (score >= v.malicious) return 'malicious';
  if (score >= v.highly_suspicious) return 'highly_suspicious';
  if (score >= v.suspicious) return 'suspicious';
  if (score >= v.info) return 'info';
  return 'safe';
}

export const EXIT_BY_VERDICT: Record<Verdict, number> = { safe: 0, info: 0, suspicious: 2, highly_suspicious: 2, incomplete: 4, malicious: 3 };
/** Worse verdicts first: a malicious finding stands even when the analysis is incomplete; incomplete beats the rest. */
const SEVERITY: Verdict[] = ['safe', 'info', 'suspicious', 'highly_suspicious', 'incomplete', 'malicious'];

/** The verdict of a submission: by score, except that an incomplete analysis is never clean or merely suspicious. */
export function submissionVerdict(sub: { max_score: number; incomplete?: boolean }, v: Verdicts = DEFAULT_VERDICTS): Verdict {
  const byScore = verdictOf(sub.max_score, v);
  return sub.incomplete && byScore !== 'malicious' ? 'incomplete' : byScore;
}

export function register(program: Command): void {
  const cmd = new Command('submit')
    .description('Analyse files, wait for the results and print verdict and score per file')
    .argument('<files...>', 'files to analyse')
    .option('--param <key=value>', 'submission parameter (repeatable; JSON values, dotted keys nest)', collect)
    .option('--metadata <key=value>', 'submission metadata (repeatable)', collect)
    .option('--timeout <seconds>', 'give up waiting after this long per file', positiveInt, 600)
    .option('--json', 'print one JSON object per file')
    .addHelpText('after', '\nExit status: 0 all safe or informative, 2 worst is suspicious, 4 worst is incomplete (an analyser failed),\n3 worst is malicious, 1 error.\n');
  addRemoteOptions(cmd).action(async (files: string[], o: SubmitFlags) => {
    let client;
    let params: Record<string, unknown>;
    let metadata: Record<string, string>;
    try {
      params = keyValues(o.param, { nest: true, json: true });
      metadata = keyValues(o.metadata, { nest: false, json: false }) as Record<string, string>;
      client = clientFromFlags(o);
    } catch (err) {
      fail((err as Error).message);
    }
    let worst: Verdict | null = null;
    let errors = 0;
    try {
      const who = await client.user.whoami();
      const conf = (who.configuration as { submission?: { verdicts?: Partial<Verdicts> } } | undefined)?.submission?.verdicts;
      const verdicts = { ...DEFAULT_VERDICTS, ...(conf ?? {}) };
      for (const file of files) {
        try {
          const sub = await client.submit({
            path: file,
            params: Object.keys(params).length ? params : undefined,
            metadata: Object.keys(metadata).length ? metadata : undefined,
            wait: { timeoutMs: o.timeout * 1000 },
          });
          const verdict = submissionVerdict(sub, verdicts);
          if (worst === null || SEVERITY.indexOf(verdict) > SEVERITY.indexOf(worst)) worst = verdict;
          const sha256 = sub.files[0]?.sha256 ?? '';
          const reasons = sub.incomplete_reasons ?? [];
          if (o.json) process.stdout.write(`${JSON.stringify({ file, sha256, sid: sub.sid, verdict, score: sub.max_score, ...(sub.incomplete ? { incomplete: reasons } : {}) })}\n`);
          else process.stdout.write(`${verdict.padEnd(17)} ${String(sub.max_score).padStart(6)}  ${file}  ${sub.sid}${reasons.length ? `  (${reasons.join('; ')})` : ''}\n`);
        } catch (err) {
          errors++;
          process.stderr.write(`assay: ${file}: ${(err as Error).message}\n`);
        }
      }
    } catch (err) {
      client.close();
      fail((err as Error).message);
    }
    client.close();
    const code = worst === null ? 0 : EXIT_BY_VERDICT[worst];
    process.exitCode = code || (errors ? 1 : 0);
  });
  program.addCommand(cmd);
}
