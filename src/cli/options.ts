// Options shared by the commands that open a data dir or a config file.
import type { Command } from 'commander';
import { loadConfig, type AssayConfig } from '../config.js';

export interface CommonFlags {
  data?: string;
  config?: string;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data directory (env ASSAY_DATA; default ./assay-data)')
    .option('--config <file>', 'JSON config file (env ASSAY_CONFIG; default <data>/config.json when present)');
}

export function configFromFlags(flags: CommonFlags, overrides: Record<string, unknown> = {}): AssayConfig {
  return loadConfig({
    configFile: flags.config,
    overrides: { ...(flags.data ? { dataDir: flags.data } : {}), ...overrides },
  });
}

export function fail(message: string): never {
  process.stderr.write(`assay: ${message}\n`);
  process.exit(1);
}
