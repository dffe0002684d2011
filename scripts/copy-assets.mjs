#!/usr/bin/env node
// Copies the non-TypeScript files the compiled tree needs (rule files shipped with analysers) into dist/.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ASSETS = /\.(yar|yara)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (ASSETS.test(name)) cpSync(p, join(root, 'dist', relative(join(root, 'src'), p)));
  }
}
walk(join(root, 'src'));
