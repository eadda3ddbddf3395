import { describe, expect, it } from 'vitest';
import { NodeHarness } from '../../helpers/node-harness.js';

describe('connection commands', () => {
  it('answers PING, PING with a message, and ECHO', () => {
    const h = new NodeHarness();
    expect(h.run('PING')).toBe('PONG');
    expect(h.run('PING', 'hi')).toBe('hi');
    expect(h.run('PING', 'a', 'b')).toEqual({ error: "ERR wrong number of arguments for 'ping' command" });
    expect(h.run('ECHO', '\x00\xff')).toBe('\x00\xff');
  });

  it('SELECTs databases with Redis range errors', () => {
    const h = new NodeHarness();
    expect(h.run('SELECT', '15')).toBe('OK');
    expect(h.run('SELECT', '16')).toEqual({ error: 'ERR DB index is out of range' });
    expect(h.run('SELECT', '-1')).toEqual({ error: 'ERR DB index is out of range' });
    expect(h.run('SELECT', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(h.run('SELECT', '99999999999')).toEqual({
      error: 'ERR value is out of range, value must between -2147483648 and 2147483647',
    });
  });

  it('authenticates with requirepass through AUTH and HELLO', () => {
    const h = new NodeHarness({ directives: [['requirepass', ['secret']]] });
    const c = h.client();
    expect(c.run('GET', 'k')).toEqual({ error: 'NOAUTH Authentication required.' });
    expect(c.run('AUTH', 'wrong')).toEqual({ error: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(c.run('AUTH', 'secret')).toBe('OK');
    expect(c.run('GET', 'k')).toBeNull();
    const d = h.client();
    expect(d.run('HELLO', '3')).toEqual({
      error:
        'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    });
    expect((d.run('HELLO', '3', 'AUTH', 'default', 'secret') as unknown[]).slice(0, 6)).toEqual([
      'server',
      'redis',
      'version',
      '7.0.15',
      'proto',
      3,
    ]);
  });

  it('rejects AUTH without a configured password and bad HELLO versions', () => {
    const h = new NodeHarness();
    expect(h.run('AUTH', 'x')).toEqual({
      error:
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    });
    expect(h.run('HELLO', '4')).toEqual({ error: 'NOPROTO unsupported protocol version' });
    expect(h.run('HELLO', 'x')).toEqual({ error: 'ERR Protocol version is not an integer or out of range' });
    expect(h.run('HELLO', '3', 'FOO')).toEqual({ error: "ERR Syntax error in HELLO option 'FOO'" });
  });

  it('RESET returns the connection to its initial state', () => {
    const h = new NodeHarness();
    const c = h.client();
    c.run('SELECT', '3');
    c.run('CLIENT', 'SETNAME', 'me');
    c.run('HELLO', '3');
    c.run('MULTI');
    expect(c.run('RESET')).toBe('RESET');
    expect(c.run('CLIENT', 'GETNAME')).toBeNull();
    expect(c.session.db.id).toBe(0);
    expect(c.session.resp).toBe(2);
    expect(c.run('EXEC')).toEqual({ error: 'ERR EXEC without MULTI' });
  });

  it('QUIT replies OK and closes the connection', () => {
    const h = new NodeHarness();
    const c = h.client();
    expect(c.run('QUIT')).toBe('OK');
    expect(c.closed).toBe(true);
  });
});
