import { describe, expect, it } from 'vitest';
import { createCsrf } from '../../../../provider/interactions/csrf.js';

describe('interaction CSRF tokens', () => {
  it('verify for their own interaction only, and only with the same secret', () => {
    const csrf = createCsrf('secret-one');
    const token = csrf.tokenFor('uid-1');
    expect(csrf.verify('uid-1', token)).toBe(true);
    expect(csrf.verify('uid-2', token)).toBe(false);
    expect(createCsrf('secret-two').verify('uid-1', token)).toBe(false);
  });

  it('refuse a missing or empty token', () => {
    const csrf = createCsrf('secret-one');
    for (const token of [undefined, null, '']) expect(csrf.verify('uid-1', token)).toBe(false);
  });
});
