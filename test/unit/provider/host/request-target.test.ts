import { describe, expect, it } from 'vitest';
import { originForm } from '../../../../provider/host/request-target.js';

describe('originForm', () => {
  it('leaves a plain path and query as they are', () => {
    for (const target of ['/', '/oauth2/default/v1/token?a=1&b=%20', '/a/../b', '/%2e%2e/x']) {
      expect(originForm(target)).toBe(target);
    }
  });

  it('makes the targets parseurl would hand to url.parse() a path and a query', () => {
    expect(originForm('/health#x')).toBe('/health');
    expect(originForm('/a?b=c#d')).toBe('/a?b=c');
    expect(originForm('http://localhost:4000/oauth2/default?x=1')).toBe('/oauth2/default?x=1');
    expect(originForm('http://localhost:4000')).toBe('/');
    expect(originForm('*')).toBe('/*');
    expect(originForm('mailto:someone')).toBe('/someone');
    // Node reads the target as latin1: 0xA0 is one byte.
    expect(originForm('/a\u00a0b')).toBe('/a%A0b');
  });

  it('gives nothing parseurl would still hand on', () => {
    for (const target of ['/x#y', 'http://h/p q', '*', '/\u00a0', 'h\u00a0#']) {
      expect(originForm(target)).toMatch(/^\/[^#\t\n\f\r \u00a0\ufeff]*$/);
    }
  });
});
