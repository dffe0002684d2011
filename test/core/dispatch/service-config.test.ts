import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configureServices, hostDataValues, prepareHostData, type HostDataProviders } from '../../../src/core/dispatch/service-config.js';
import { ManifestError, validateManifest } from '../../../src/core/runtime/manifest.js';
import type { ServiceManifest } from '../../../src/sdk/index.js';

const manifest = (name: string, extra: Partial<ServiceManifest> = {}): ServiceManifest => ({
  name, version: '1', stage: 'CORE', category: 'Static Analysis', accepts: '.*', timeoutSeconds: 10, heuristics: [], ...extra,
});

const data = { yaraRules: '/data/rules', safelistSnapshot: '/data/safe.json', badlistSnapshot: '/data/bad.json' };

describe('configureServices', () => {
  it('applies the deployment settings over the defaults, and the declared host data over both', () => {
    const services = [
      { manifest: manifest('Rules', { config: { rules_dir: '', depth: 1 }, host: { yaraRules: 'rules_dir' } }), modulePath: '/a' },
      { manifest: manifest('Plain', { config: { depth: 1 } }), modulePath: '/b' },
    ];
    const out = configureServices(services, { Rules: { rules_dir: '/elsewhere', depth: 2 }, Plain: { depth: 3 } }, data);
    assert.deepEqual(out[0]!.manifest.config, { rules_dir: '/data/rules', depth: 2 });
    assert.deepEqual(out[1]!.manifest.config, { depth: 3 });
    assert.equal(out[0]!.modulePath, '/a');
    // The discovered manifests themselves are left as they were.
    assert.deepEqual(services[0]!.manifest.config, { rules_dir: '', depth: 1 });
  });

  it('hands a service only the host data it declares', () => {
    const [out] = configureServices([{ manifest: manifest('Lists', { host: { badlistSnapshot: 'snapshot_path' } }) }], {}, data);
    assert.deepEqual(out!.manifest.config, { snapshot_path: '/data/bad.json' });
  });

  it('leaves a service with neither settings nor host data untouched', () => {
    const s = { manifest: manifest('Alone') };
    assert.equal(configureServices([s], { Other: { x: 1 } }, data)[0], s);
  });
});

describe('host data providers', () => {
  it('prepares only what some service declares', async () => {
    const prepared: string[] = [];
    const providers: HostDataProviders = {
      yaraRules: { value: '/r', prepare: async () => prepared.push('yaraRules') },
      safelistSnapshot: { value: '/s', prepare: async () => prepared.push('safelistSnapshot') },
      badlistSnapshot: { value: '/b' },
    };
    await prepareHostData(providers, [manifest('A', { host: { safelistSnapshot: 'p' } }), manifest('B')]);
    assert.deepEqual(prepared, ['safelistSnapshot']);
    assert.deepEqual(hostDataValues(providers), { yaraRules: '/r', safelistSnapshot: '/s', badlistSnapshot: '/b' });
  });
});

describe('a manifest\'s host declaration', () => {
  const problems = (host: unknown, extra: Record<string, unknown> = {}): string[] => {
    try {
      validateManifest({ ...manifest('Sample'), host, ...extra });
      return [];
    } catch (err) {
      assert.ok(err instanceof ManifestError);
      return err.problems;
    }
  };

  it('accepts data the host provides, each under a configuration key', () => {
    assert.deepEqual(problems({ yaraRules: 'rules_dir', safelistSnapshot: 'safe_path' }), []);
  });

  it('refuses unknown data, missing or shared keys, and keys a submitter may set', () => {
    assert.match(problems([])[0]!, /host must be an object/);
    assert.match(problems({ datastore: 'db' })[0]!, /host\.datastore is not provided by the host/);
    assert.match(problems({ yaraRules: '' })[0]!, /must name a configuration key/);
    assert.match(problems({ safelistSnapshot: 'p', badlistSnapshot: 'p' })[0]!, /key p is used twice/);
    const offered = { submissionParams: [{ name: 'rules_dir', type: 'str', default: '' }] };
    assert.match(problems({ yaraRules: 'rules_dir' }, offered)[0]!, /also a submission parameter/);
  });
});
