// Storage bound to a directory on disk, for the realtime runtime.

import {
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Storage } from '../env/env.js';

/** Files under one directory; names may contain `/` for subdirectories (appendonlydir/…). */
export class FsStorage implements Storage {
  constructor(readonly dir: string) {}

  read(name: string): Buffer | null {
    const path = join(this.dir, name);
    return existsSync(path) ? readFileSync(path) : null;
  }

  writeAtomic(name: string, data: Buffer): void {
    const path = join(this.dir, name);
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.tmp-${process.pid}`;
    const fd = openSync(temp, 'w');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  }

  overwrite(name: string, data: Buffer, durable: boolean): void {
    const path = join(this.dir, name);
    const fd = _openCreating(path, constants.O_WRONLY | constants.O_CREAT);
    try {
      writeSync(fd, data, 0, data.length, 0);
      ftruncateSync(fd, data.length);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  append(name: string, data: Buffer): void {
    const path = join(this.dir, name);
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, data);
  }

  sync(name: string): void {
    const path = join(this.dir, name);
    if (!existsSync(path)) return;
    const fd = openSync(path, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  remove(name: string): void {
    rmSync(join(this.dir, name), { force: true });
  }

  exists(name: string): boolean {
    return existsSync(join(this.dir, name));
  }
}

/**
 * Opens `path` with `flags`, creating its directory when it is missing. One system call in the usual case: nodes.conf
 * is rewritten after most cluster changes, and clusterSaveConfig itself only opens the file.
 */
function _openCreating(path: string, flags: number): number {
  try {
    return openSync(path, flags);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, flags);
  }
}
