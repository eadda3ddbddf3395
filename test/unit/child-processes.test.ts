// The realtime runtime's ProcessRunner and host lookup: real child processes report their exit code or killing
// signal as waitpid does, a program that cannot start ends with code 2 as a failed execve child does, and names
// resolve through the C library's lookup (getent).

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcessHandle, ProcessExit } from '../../src/env/env.js';
import { childProcesses } from '../../src/runtime/child-processes.js';
import { resolveHostSync } from '../../src/runtime/resolve-host.js';
import { tempDir } from '../helpers/servers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

function script(body: string): string {
  const { dir, cleanup } = tempDir('redis-sim-proc-');
  cleanups.push(cleanup);
  const path = join(dir, 'run.sh');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function ended(child: ChildProcessHandle): Promise<ProcessExit> {
  return new Promise((resolve) => (child.onExit = resolve));
}

describe('childProcesses', () => {
  it('reports exit codes', async () => {
    const path = script('exit "$1"');
    expect(childProcesses.canExecute(path)).toBe(true);
    for (const code of [0, 1, 2, 7]) {
      const child = childProcesses.spawn(path, [String(code)]);
      expect(child.pid).toBeGreaterThan(0);
      expect(await ended(child)).toEqual({ code, signal: 0 });
    }
  });

  it('kills with SIGKILL, reported as signal 9', async () => {
    const child = childProcesses.spawn(script('exec sleep 30'), []);
    const exit = ended(child);
    child.kill();
    expect(await exit).toEqual({ code: 0, signal: 9 });
  });

  it('ends a program that cannot start with code 2, and says it is not executable', async () => {
    const path = script('exit 0');
    chmodSync(path, 0o644);
    expect(childProcesses.canExecute(path)).toBe(false);
    expect(childProcesses.canExecute('/nonexistent/script.sh')).toBe(false);
    expect(await ended(childProcesses.spawn('/nonexistent/script.sh', []))).toEqual({ code: 2, signal: 0 });
  });
});

describe('resolveHostSync', () => {
  it('resolves localhost and refuses names that do not exist', () => {
    expect(resolveHostSync('localhost')).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(resolveHostSync('127.0.0.1')).toBe('127.0.0.1');
    expect(resolveHostSync('nosuchhost.invalid')).toBeNull();
    expect(resolveHostSync('-x')).toBeNull();
    expect(resolveHostSync('')).toBeNull();
  });
});
