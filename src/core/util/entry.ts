// Entry scripts for child processes and worker threads. Tests and development run the TypeScript sources through
// tsx and the build runs the compiled JavaScript; an entry sits next to the module that starts it either way,
// and a .ts entry needs tsx loaded in the child as well.
import { fileURLToPath, pathToFileURL } from 'node:url';

function tsxImport(): string {
  try {
    // Absolute, so the child finds tsx whatever its working directory is.
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/** The path of `<baseName>.ts|js` beside the module at `moduleUrl`, and the Node flags needed to run it. */
export function siblingEntry(moduleUrl: string, baseName: string): { path: string; execArgv: string[] } {
  const fromSource = moduleUrl.endsWith('.ts');
  return {
    path: fileURLToPath(new URL(`./${baseName}.${fromSource ? 'ts' : 'js'}`, moduleUrl)),
    execArgv: fromSource ? ['--import', tsxImport()] : [],
  };
}

/**
 * What to hand `new Worker()` for `<baseName>` beside `moduleUrl`. Worker threads ignore `--import` loaders on
 * Node 20, so from sources a tiny ES module registers tsx in the thread and then imports the entry.
 */
export function workerEntry(moduleUrl: string, baseName: string): string | URL {
  const { path } = siblingEntry(moduleUrl, baseName);
  if (!moduleUrl.endsWith('.ts')) return path;
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(pathToFileURL(path).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
