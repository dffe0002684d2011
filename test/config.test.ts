// Configuration precedence: defaults < config file < environment < flags.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('layers file, environment and flags over the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-cfg-'));
    try {
      const file = join(dir, 'assay.json');
      writeFileSync(file, JSON.stringify({ server: { port: 9000, host: '127.0.0.2' }, submission: { maxFileSize: 5 } }));
      const def = loadConfig({ env: {}, overrides: { dataDir: dir } });
      assert.equal(def.server.port, 8443);
      assert.equal(def.server.http, false);
      const fromFile = loadConfig({ env: {}, configFile: file });
      assert.equal(fromFile.server.port, 9000);
      assert.equal(fromFile.submission.maxFileSize, 5);
      assert.equal(fromFile.submission.verdicts.malicious, 1000, 'untouched nested defaults survive');
      const fromEnv = loadConfig({ env: { ASSAY_CONFIG: file, ASSAY_PORT: '9001', ASSAY_HTTP: '1' } });
      assert.equal(fromEnv.server.port, 9001);
      assert.equal(fromEnv.server.host, '127.0.0.2');
      assert.equal(fromEnv.server.http, true);
      const fromFlags = loadConfig({ env: { ASSAY_CONFIG: file, ASSAY_PORT: '9001' }, overrides: { server: { port: 9002 } } });
      assert.equal(fromFlags.server.port, 9002);
      // <data>/config.json is read when present.
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ server: { port: 7000 } }));
      assert.equal(loadConfig({ env: { ASSAY_DATA: dir } }).server.port, 7000);
      assert.throws(() => loadConfig({ env: { ASSAY_PORT: 'abc' }, overrides: { dataDir: dir } }), /ASSAY_PORT must be an integer/);
      assert.throws(() => loadConfig({ env: {}, configFile: join(dir, 'missing.json') }), /does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
