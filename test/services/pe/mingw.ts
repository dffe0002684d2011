// Builds small Windows executables with MinGW for the PE tests (shared by the analyser and end-to-end tests).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GCC = 'x86_64-w64-mingw32-gcc';
export const WINDRES = 'x86_64-w64-mingw32-windres';
export const TOOLS = [GCC, WINDRES, 'osslsigncode', 'openssl'];
export const have = (tool: string) => spawnSync('which', [tool]).status === 0;

export const INJECTOR_C = `#include <windows.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  if (argc < 3) return 0;
  HANDLE p = OpenProcess(PROCESS_ALL_ACCESS, FALSE, (DWORD)atoi(argv[1]));
  LPVOID m = VirtualAllocEx(p, NULL, 4096, MEM_COMMIT, PAGE_EXECUTE_READWRITE);
  WriteProcessMemory(p, m, argv[2], 16, NULL);
  CreateRemoteThread(p, NULL, 0, (LPTHREAD_START_ROUTINE)m, NULL, 0, NULL);
  return 0;
}
`;

export function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Builds the injector with MinGW into `dir`; shared with the end-to-end test. */
export function buildInjector(dir: string): string {
  writeFileSync(join(dir, 'inj.c'), INJECTOR_C);
  run(GCC, ['-O2', '-s', '-o', 'inj.exe', 'inj.c'], dir);
  return join(dir, 'inj.exe');
}

