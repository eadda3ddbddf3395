// Encodes requests as RESP multibulk: what clients send, what the AOF stores and what a master streams to replicas.

/** The multibulk form of a command as a latin1 string (catAppendOnlyGenericCommand's shape). */
export function encodeRequestString(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** The multibulk form of a command as bytes. */
export function encodeRequest(args: readonly string[]): Buffer {
  return Buffer.from(encodeRequestString(args), 'latin1');
}
