// The typed error the request parser raises; its message is the exact text Redis replies with before closing.

/** Which of Redis's protocol checks failed; mirrors the `setProtocolError` reasons in networking.c. */
export type ProtocolErrorCode =
  | 'too-big-inline'
  | 'unbalanced-quotes'
  | 'too-big-mbulk-count'
  | 'invalid-mbulk-count'
  | 'unauth-mbulk-count'
  | 'too-big-bulk-count'
  | 'expected-dollar'
  | 'invalid-bulk-length'
  | 'unauth-bulk-length';

/** A malformed request: the client gets `-ERR <message>` and the connection is closed after the reply. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
