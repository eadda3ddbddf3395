// fast-check arbitraries for request byte streams, shared by the parser's unit tests and the TCP comparison with
// real Redis.

import fc from 'fast-check';

/** Bytes and fragments that steer a random stream into every branch of a RESP request parser. */
export const requestTokenArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '*',
      '$',
      '\r\n',
      '\r',
      '\n',
      '0',
      '1',
      '2',
      '3',
      '4',
      '-',
      '"',
      "'",
      '\\',
      'x',
      ' ',
      '\0',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '*1\r\n',
      '*2\r\n',
      '$4\r\n',
      '$0\r\n',
      'PING',
      'ECHO',
      'PING\r\n',
      '*-1\r\n',
      '$-1\r\n',
      '*0\r\n',
      '"a\\x4',
      '\\x41',
    ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u).toString('latin1')) },
);
