// `assay serve`: run the server in the foreground until SIGTERM or SIGINT.
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { ASSAY_VERSION, ENV_VARS } from '../../config.js';
import { createLogger, startServer, type RunningServer } from '../../app.js';
import { addCommonOptions, configFromFlags, fail } from '../options.js';

function banner(s: RunningServer): string {
  const lines = [`Assay ${ASSAY_VERSION} is listening on ${s.url}`];
  if (s.certPath) lines.push(`TLS certificate: ${s.certPath} (self-signed unless you gave --cert; clients need -k / verify=False)`);
  lines.push(`API documentation: ${s.url}/help/api/`);
  const fs = s.firstStart;
  if (fs) {
    const k = s.certPath ? '-k ' : '';
    lines.push(
      '',
      'First start: created the administrator account.',
      `  user:     ${fs.username}`,
      `  password: ${fs.passwordFromEnv ? '(from ASSAY_ADMIN_PASSWORD)' : fs.password}`,
      `  API key:  ${fs.apikeyFromEnv ? '(from ASSAY_ADMIN_APIKEY)' : fs.apikey}`,
      'They are shown only this once: store them now.',
      '',
      'Try it:',
      `  curl ${k}-H 'x-user: ${fs.username}' -H 'x-apikey: ${fs.apikeyFromEnv ? '<your key>' : fs.apikey}' -H 'accept: application/json' ${s.url}/api/v4/user/whoami/`,
    );
  } else {
    lines.push('Sign in with an existing account (`assay user passwd admin` sets a new password).');
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const envHelp = ENV_VARS.map((e) => `  ${e.name.padEnd(24)} ${e.help}`).join('\n');
  const cmd = new Command('serve')
    .description('Run the Assay server (HTTPS with a self-signed certificate by default)')
    .option('--host <addr>', 'address to listen on (env ASSAY_HOST; default 0.0.0.0)')
    .option('--port <n>', 'port to listen on (env ASSAY_PORT; default 8443)', (v) => {
      const n = Number.parseInt(v, 10);
      if (!(n >= 0 && n < 65536)) throw new Error(`invalid port ${v}`);
      return n;
    })
    .option('--http', 'serve plain HTTP, e.g. behind a TLS-terminating proxy (env ASSAY_HTTP=1)')
    .option('--cert <file>', 'TLS certificate in PEM (env ASSAY_CERT); with --key')
    .option('--key <file>', 'TLS private key in PEM (env ASSAY_KEY); with --cert')
    .addOption(new Option('--log-level <level>', 'log level (env ASSAY_LOG_LEVEL; default info)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .addHelpText(
      'after',
      `\nEnvironment:\n${envHelp}\n  ASSAY_CONFIG             JSON config file\n  ASSAY_ADMIN_PASSWORD     first start only: the admin password\n  ASSAY_ADMIN_APIKEY       first start only: the admin API key, as name:secret\n`,
    );
  addCommonOptions(cmd).action(async (flags: Record<string, unknown>) => {
    const server: Record<string, unknown> = {};
    for (const k of ['host', 'port', 'cert', 'key'] as const) if (flags[k] !== undefined) server[k] = flags[k];
    if (flags.http) server.http = true;
    if (flags.logLevel) server.logLevel = flags.logLevel;
    let config;
    try {
      config = configFromFlags(flags, { server });
    } catch (err) {
      fail((err as Error).message);
    }
    const logger = createLogger(config.server.logLevel, pino.destination(2));
    let running: RunningServer;
    try {
      running = await startServer(config, logger);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EACCES') {
        fail(
          `cannot listen on port ${config.server.port}: permission denied. Ports below 1024 need root or ` +
            `CAP_NET_BIND_SERVICE (sudo setcap cap_net_bind_service=+ep "$(command -v node)"), or pick another port.`,
        );
      }
      if (e.code === 'EADDRINUSE') fail(`port ${config.server.port} is already in use (use --port)`);
      fail(e.message);
    }
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      running
        .close()
        .then(() => process.exit(0))
        .catch((err) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    // Printed only once the signal handlers are in place: whoever reads the banner may stop us at once.
    process.stdout.write(banner(running));
  });
  program.addCommand(cmd);
}
