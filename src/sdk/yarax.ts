// YARA-X through its prebuilt N-API binding. The platform package ships no type declarations, so the small
// surface used here is declared by hand. Loading is lazy: processes that never touch YARA never map the 20 MB
// native module.
import { createRequire } from 'node:module';

export interface YaraPatternMatch {
  identifier: string;
  offset: number;
  length: number;
  /** Lossy UTF-8 rendering of the bytes; slice the scanned data instead. */
  data: string;
}

export interface YaraRuleMatch {
  ruleIdentifier: string;
  namespace: string;
  meta: Record<string, string | number | boolean>;
  tags: string[];
  matches: YaraPatternMatch[];
}

/** A compiler that is also the scanner: rules are added source by source, then scanned against. */
export interface YaraRules {
  addRuleSource(source: string, namespace?: string): void;
  setTimeout(ms: number): void;
  scan(data: Buffer): YaraRuleMatch[];
  scanFileAsync(path: string): Promise<YaraRuleMatch[]>;
}

interface YaraXModule {
  create(): YaraRules;
  compile(source: string): YaraRules;
  validate(source: string): { warnings: Array<{ code: string; message: string }>; errors: Array<{ code: string; message: string }> };
}

let mod: YaraXModule | undefined;

export function yarax(): YaraXModule {
  mod ??= createRequire(import.meta.url)('@litko/yara-x-linux-x64-gnu') as YaraXModule;
  return mod;
}

/** The compiler's first error for a rule source, or null when it compiles. */
export function yaraCompileError(source: string): string | null {
  try {
    const { errors } = yarax().validate(source);
    return errors.length ? errors[0]!.message : null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
