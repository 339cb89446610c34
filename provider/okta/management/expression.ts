/**
 * Okta's filter and search expressions (SCIM-like): `status eq "ACTIVE"`,
 * `profile.lastName sw "Sm" and (lastUpdated gt "2024-01-01T00:00:00.000Z" or profile.department pr)`.
 * Parsed once into a predicate over a resource's Okta JSON; what cannot be parsed is an
 * ExpressionError that says where.
 */

export type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'sw' | 'co' | 'ew' | 'pr';
type Literal = string | number | boolean | null;

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'compare'; attribute: string; operator: Operator; value: Literal };

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

const operators = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'ew', 'pr']);

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'paren'; text: '(' | ')'; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: 'paren', text: char, at: i });
      i += 1;
    } else if (char === '"') {
      const at = i;
      let text = '';
      i += 1;
      for (;;) {
        if (i >= source.length) throw new ExpressionError(`unterminated string at ${at + 1}`);
        const next = source[i] ?? '';
        if (next === '"') break;
        if (next === '\\') {
          i += 1;
          text += source[i] ?? '';
        } else {
          text += next;
        }
        i += 1;
      }
      i += 1;
      tokens.push({ kind: 'string', text, at });
    } else {
      const match = /^[^\s()"]+/.exec(source.slice(i));
      const text = match?.[0] ?? char;
      tokens.push({ kind: 'word', text, at: i });
      i += text.length;
    }
  }
  return tokens;
}

export interface ParseOptions {
  /** The operators allowed (filter takes fewer than search). */
  operators?: ReadonlySet<Operator>;
  /** The attributes allowed; any by default. */
  attributes?: (attribute: string) => boolean;
}

// Deep enough for any real query; a wall of parentheses is an error, not a stack overflow.
const maxDepth = 32;
const maxLength = 4096;

export function parseExpression(source: string, options: ParseOptions = {}): Node {
  if (source.length > maxLength) {
    throw new ExpressionError(`the expression is longer than ${maxLength} characters`);
  }
  const tokens = tokenize(source);
  let position = 0;
  let depth = 0;
  const peek = () => tokens[position];
  const where = (token: Token | undefined) =>
    token ? `"${token.text}" at ${token.at + 1}` : 'the end';
  const keyword = (token: Token | undefined, word: string) =>
    token?.kind === 'word' && token.text.toLowerCase() === word;

  const parseOr = (): Node => {
    let left = parseAnd();
    while (keyword(peek(), 'or')) {
      position += 1;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Node => {
    let left = parsePrimary();
    while (keyword(peek(), 'and')) {
      position += 1;
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): Node => {
    const token = peek();
    if (token?.kind === 'paren' && token.text === '(') {
      position += 1;
      depth += 1;
      if (depth > maxDepth) throw new ExpressionError(`parentheses nest deeper than ${maxDepth}`);
      const inner = parseOr();
      depth -= 1;
      const close = peek();
      if (close?.kind !== 'paren' || close.text !== ')') {
        throw new ExpressionError(`expected ")" but found ${where(close)}`);
      }
      position += 1;
      return inner;
    }
    if (token?.kind !== 'word' || !/^[A-Za-z][\w.]*$/.test(token.text)) {
      throw new ExpressionError(`expected an attribute but found ${where(token)}`);
    }
    const attribute = token.text;
    if (options.attributes && !options.attributes(attribute)) {
      throw new ExpressionError(`the attribute ${attribute} cannot be used here`);
    }
    position += 1;
    const opToken = peek();
    const operator = opToken?.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (!operators.has(operator)) {
      throw new ExpressionError(
        `expected an operator (eq, sw, co, pr, gt, ...) but found ${where(opToken)}`,
      );
    }
    if (options.operators && !options.operators.has(operator as Operator)) {
      throw new ExpressionError(`the operator ${operator} is not supported here`);
    }
    position += 1;
    if (operator === 'pr') return { kind: 'compare', attribute, operator: 'pr', value: null };
    return { kind: 'compare', attribute, operator: operator as Operator, value: parseLiteral() };
  };
  const parseLiteral = (): Literal => {
    const token = peek();
    position += 1;
    if (token?.kind === 'string') return token.text;
    if (token?.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
      if (/^-?\d+(\.\d+)?$/.test(token.text)) return Number(token.text);
    }
    throw new ExpressionError(
      `expected a value ("text", a number, true, false or null) but found ${where(token)}`,
    );
  };

  if (tokens.length === 0) throw new ExpressionError('the expression is empty');
  const tree = parseOr();
  if (position < tokens.length) {
    throw new ExpressionError(`expected "and" or "or" but found ${where(peek())}`);
  }
  return tree;
}

/** Whether the resource (its Okta JSON) matches; attributes are dotted paths into it. */
export function matches(node: Node, resource: Record<string, unknown>): boolean {
  if (node.kind !== 'compare') {
    return node.kind === 'and'
      ? matches(node.left, resource) && matches(node.right, resource)
      : matches(node.left, resource) || matches(node.right, resource);
  }
  const found = lookup(resource, node.attribute);
  const values = Array.isArray(found) ? (found as unknown[]) : [found];
  return values.some((value) => compare(value, node.operator, node.value));
}

function lookup(resource: Record<string, unknown>, path: string): unknown {
  let current: unknown = resource;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    // Okta's attribute names are case-insensitive.
    const entries = Object.entries(current as Record<string, unknown>);
    current = entries.find(([name]) => name.toLowerCase() === segment.toLowerCase())?.[1];
  }
  return current;
}

function compare(actual: unknown, operator: Operator, expected: Literal): boolean {
  if (operator === 'pr') return actual !== undefined && actual !== null && actual !== '';
  if (expected === null) {
    const absent = actual === undefined || actual === null;
    return operator === 'eq' ? absent : operator === 'ne' ? !absent : false;
  }
  if (actual === undefined || actual === null) return operator === 'ne';
  const text = (value: unknown) => String(value).toLowerCase();
  const ordered = (a: unknown, b: Literal): number => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
  };
  switch (operator) {
    case 'eq':
      return ordered(actual, expected) === 0;
    case 'ne':
      return ordered(actual, expected) !== 0;
    case 'gt':
      return ordered(actual, expected) > 0;
    case 'ge':
      return ordered(actual, expected) >= 0;
    case 'lt':
      return ordered(actual, expected) < 0;
    case 'le':
      return ordered(actual, expected) <= 0;
    case 'sw':
      return text(actual).startsWith(text(expected));
    case 'co':
      return text(actual).includes(text(expected));
    case 'ew':
      return text(actual).endsWith(text(expected));
  }
}
