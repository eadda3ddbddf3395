// The root directory of a host the library starts for a test suite: the caller's, or a temporary one that goes away
// with the host.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts a host in `dir`, or in a new temporary directory named `<prefix>XXXXXX` when `dir` is undefined; that one is
 * removed when `start` throws, or once the started host's stop() has finished.
 */
export async function startInRootDirectory<T extends { stop(): Promise<void> }>(
  dir: string | undefined,
  prefix: string,
  start: (root: string) => Promise<T>,
): Promise<T> {
  if (dir !== undefined) return start(dir);
  const own = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(own, { recursive: true, force: true });
  try {
    const started = await start(own);
    return {
      ...started,
      async stop() {
        await started.stop();
        remove();
      },
    };
  } catch (e) {
    remove();
    throw e;
  }
}
