#!/usr/bin/env node
// Entry point of the `assay` command. Runs the compiled CLI; `npm ci` builds it through the prepare script.
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('assay: the project is not built yet; run `npm ci` (or `npm run build`) first');
    process.exit(1);
  }
  throw err;
});
