// The contract every analyser implements: a declarative manifest and one execute function. A service module
// (a file, or a folder with an index, in a services directory) exports `manifest` and `execute`; the runtime
// loads it inside an isolated worker, hands it one file at a time, and turns what it returns into a result.
import type { ServiceContext } from './context.js';
import type { ServiceManifest } from './manifest.js';
import type { ServiceOutput } from './output.js';
import type { ServiceTask } from './task.js';

export type ExecuteFn = (task: ServiceTask, ctx: ServiceContext) => Promise<ServiceOutput>;

export interface ServiceModule {
  manifest: ServiceManifest;
  execute: ExecuteFn;
}
