import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../../../provider/control/control-api.js';

describe('the control API answers loopback callers only', () => {
  it('accepts IPv4 and IPv6 loopback, also IPv4-mapped', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopback(address), address).toBe(true);
    }
  });

  it('refuses everything else', () => {
    for (const address of [
      '10.0.0.5',
      '192.168.1.2',
      '::ffff:10.0.0.1',
      'fe80::1',
      '',
      undefined,
    ]) {
      expect(isLoopback(address), String(address)).toBe(false);
    }
  });
});
