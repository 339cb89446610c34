import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  matches,
  parseExpression,
} from '../../../../../provider/okta/management/expression.js';

const ada = {
  id: '00uAAAAAAAAAAAAAAAAA',
  status: 'ACTIVE',
  lastUpdated: '2026-05-01T10:00:00.000Z',
  profile: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    login: 'ada@example.com',
    tags: ['math', 'poetry'],
    age: 36,
  },
};
const test = (expression: string) => matches(parseExpression(expression), ada);

describe("Okta's filter and search expressions", () => {
  it('compares with eq, ne, sw, co, ew, pr and the orderings, ignoring case', () => {
    expect(test('status eq "active"')).toBe(true);
    expect(test('status ne "ACTIVE"')).toBe(false);
    expect(test('profile.lastName sw "love"')).toBe(true);
    expect(test('profile.login co "@example"')).toBe(true);
    expect(test('profile.login ew ".com"')).toBe(true);
    expect(test('profile.mobilePhone pr')).toBe(false);
    expect(test('profile.firstName pr')).toBe(true);
    expect(test('lastUpdated gt "2026-01-01T00:00:00.000Z"')).toBe(true);
    expect(test('lastUpdated lt "2026-01-01T00:00:00.000Z"')).toBe(false);
    expect(test('profile.age ge 36 and profile.age le 36')).toBe(true);
    expect(test('profile.tags eq "poetry"')).toBe(true);
    expect(test('profile.middleName eq null')).toBe(true);
  });

  it('binds and tighter than or, and honours parentheses', () => {
    expect(
      test('status eq "SUSPENDED" and profile.firstName eq "Ada" or id eq "00uAAAAAAAAAAAAAAAAA"'),
    ).toBe(true);
    expect(
      test(
        'status eq "SUSPENDED" and (profile.firstName eq "Ada" or id eq "00uAAAAAAAAAAAAAAAAA")',
      ),
    ).toBe(false);
    expect(test('profile.lastName eq "Love\\"lace" or profile.firstName EQ "ADA"')).toBe(true);
  });

  it('says what is wrong and where', () => {
    const message = (expression: string) => {
      try {
        parseExpression(expression);
      } catch (error) {
        expect(error).toBeInstanceOf(ExpressionError);
        return (error as Error).message;
      }
      return 'parsed';
    };
    expect(message('')).toBe('the expression is empty');
    expect(message('status eq')).toBe(
      'expected a value ("text", a number, true, false or null) but found the end',
    );
    expect(message('status is "A"')).toBe(
      'expected an operator (eq, sw, co, pr, gt, ...) but found "is" at 8',
    );
    expect(message('(status eq "A"')).toBe('expected ")" but found the end');
    expect(message('status eq "A" status')).toBe('expected "and" or "or" but found "status" at 15');
    expect(message('status eq "A')).toBe('unterminated string at 11');
    expect(message('1abc eq "x"')).toBe('expected an attribute but found "1abc" at 1');
    expect(message(`${'('.repeat(33)}id eq "x"${')'.repeat(33)}`)).toBe(
      'parentheses nest deeper than 32',
    );
    expect(message(`id eq "${'x'.repeat(5000)}"`)).toBe(
      'the expression is longer than 4096 characters',
    );
  });

  it('keeps a filter to the operators and attributes it is given', () => {
    const filter = {
      operators: new Set(['eq'] as const),
      attributes: (name: string) => name === 'status',
    };
    expect(() => parseExpression('status sw "A"', filter)).toThrow(
      'the operator sw is not supported here',
    );
    expect(() => parseExpression('profile.nickName eq "A"', filter)).toThrow(
      'the attribute profile.nickName cannot be used here',
    );
  });
});
