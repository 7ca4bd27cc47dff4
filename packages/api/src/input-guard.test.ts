import { describe, expect, it } from 'vitest';
import { inspectInput, isStorableText, MAX_INPUT_DEPTH } from './input-guard';

/** `{"a": {"a": … value …}}`, `levels` objects deep. */
function nested(levels: number, value: unknown = 1): unknown {
  let current = value;
  for (let i = 0; i < levels; i++) current = { a: current };
  return current;
}

describe('isStorableText', () => {
  it.each([
    ['plain text', 'hello', true],
    ['an emoji (a surrogate pair)', 'ok 😀', true],
    ['the empty string', '', true],
    ['U+0000', 'a\u0000b', false],
    ['a lone low surrogate', 'a\udc00', false],
    ['a lone high surrogate', '\ud83d', false],
    ['a pair in the wrong order', '\ude00\ud83d', false],
  ])('%s → %s', (_name, text, expected) => {
    expect(isStorableText(text)).toBe(expected);
  });
});

describe('inspectInput', () => {
  it('passes an ordinary input', () => {
    expect(inspectInput({ name: 'x', samples: [{ input: 'a', metadata: { k: [1, 'v', null] } }] })).toEqual(
      [],
    );
  });

  it('reports each bad string at its path, keys at the key itself', () => {
    expect(
      inspectInput({
        name: 'a\u0000',
        samples: [{ input: 'ok', metadata: { 'k\udc00': 'v', x: ['\ud800'] } }],
      }),
    ).toEqual([
      { path: ['name'], msg: expect.stringContaining('U+0000'), type: 'string_unicode' },
      { path: ['samples', 0, 'metadata', 'k\udc00'], msg: expect.any(String), type: 'string_unicode' },
      { path: ['samples', 0, 'metadata', 'x', 0], msg: expect.any(String), type: 'string_unicode' },
    ]);
  });

  it(`allows ${MAX_INPUT_DEPTH} levels of nesting and reports the first container past them, once`, () => {
    expect(inspectInput(nested(MAX_INPUT_DEPTH))).toEqual([]);
    const problems = inspectInput(nested(MAX_INPUT_DEPTH + 1));
    expect(problems).toEqual([
      { path: Array(MAX_INPUT_DEPTH).fill('a'), msg: expect.any(String), type: 'nesting_too_deep' },
    ]);
  });

  it('walks 100,000 levels of arrays without overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const problems = inspectInput({ metadata: deep });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toHaveLength(MAX_INPUT_DEPTH);
    expect(problems[0]?.type).toBe('nesting_too_deep');
  });
});
