import { describe, expect, it } from 'vitest';
import { parseQueryString } from './query-string';

describe('parseQueryString', () => {
  it('reads pairs, repeats as arrays, empty values as "" and + as a space', () => {
    expect({ ...parseQueryString('a=1&a=2&b=&c&q=red+team&d=%2C') }).toEqual({
      a: ['1', '2'],
      b: '',
      c: '',
      q: 'red team',
      d: ',',
    });
  });

  it('reads no query string as no parameters', () => {
    expect({ ...parseQueryString(null) }).toEqual({});
    expect({ ...parseQueryString('') }).toEqual({});
  });

  it('keeps parameters named like Object.prototype members as plain parameters', () => {
    const parsed = parseQueryString('constructor=x&__proto__=y&toString=z');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(parsed.constructor).toBe('x');
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe('y');
    expect(parsed.toString).toBe('z');
  });

  it('decodes UTF-8, astral characters included', () => {
    expect(parseQueryString('q=%C3%A9t%C3%A9%20%F0%9F%98%80').q).toBe('été 😀');
  });

  it('turns bytes that are not UTF-8 into lone surrogates, never into U+FFFD', () => {
    // %ED%B0%80 is U+DC00 encoded as if it were a character (CESU-8): three invalid bytes.
    expect(parseQueryString('q=%ED%B0%80').q).toBe('\udced\udcb0\udc80');
    expect(parseQueryString('q=a%C3%28b').q).toBe('a\udcc3(b');
    expect(parseQueryString('q=%FF').q).toBe('\udcff');
  });

  it('leaves a % that starts no escape as it is', () => {
    expect(parseQueryString('q=100%&r=%zz%ED').q).toBe('100%');
    expect(parseQueryString('r=%zz%ED').r).toBe('%zz\udced');
  });
});
