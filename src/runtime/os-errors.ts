// Turns Node's system error codes into the strerror() texts Redis prints ("Address already in use").

const _STRERROR: Record<string, string> = {
  EACCES: 'Permission denied',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ETIMEDOUT: 'Connection timed out',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  EISDIR: 'Is a directory',
  ENAMETOOLONG: 'File name too long',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  ENOTDIR: 'Not a directory',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
};

/** The errno code of a Node system error (`EADDRINUSE`), or undefined. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The C library's text for a Node system error, falling back to Node's own message. */
export function strerror(e: unknown): string {
  const code = errorCode(e);
  if (code !== undefined && _STRERROR[code] !== undefined) return _STRERROR[code];
  return e instanceof Error ? e.message : String(e);
}
