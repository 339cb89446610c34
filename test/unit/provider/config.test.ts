import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseProviderArgs, UsageError } from '../../../provider/config.js';

describe('provider options', () => {
  it('knows which bind addresses keep it on this machine', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.com', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('parses every option, frozen, with loopback and no picker lock by default', () => {
    const config = parseProviderArgs([], '/work');
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4000, requirePassword: false });
    expect(Object.isFrozen(config)).toBe(true);
    expect(parseProviderArgs(['--require-password'], '/work')).toMatchObject({
      requirePassword: true,
    });
    expect(() => parseProviderArgs(['--port', '70000'], '/work')).toThrow(UsageError);
  });
});
