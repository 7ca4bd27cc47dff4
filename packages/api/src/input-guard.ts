import type { ValidationIssue } from './errors';

/** Containers (objects and arrays) an input may nest, the input itself counted as the first. */
export const MAX_INPUT_DEPTH = 64;

/**
 * U+0000 (PostgreSQL rejects it in text, SQLite's C functions stop at it) or a UTF-16 surrogate
 * without its pair (not Unicode at all): with the `u` flag a proper pair is one code point, so
 * `\p{Cs}` matches only a lone half.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what this must find
const UNSTORABLE = /[\u0000\p{Cs}]/u;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

export interface InputProblem {
  /** Below the input: field names and array indexes. */
  path: (string | number)[];
  msg: string;
  type: string;
}

const BAD_TEXT = {
  msg: 'Input should be a valid string: no U+0000 and no unpaired surrogates',
  type: 'string_unicode',
};
const TOO_DEEP = {
  msg: `Input should not nest objects and arrays more than ${MAX_INPUT_DEPTH} levels deep`,
  type: 'nesting_too_deep',
};

interface Node {
  value: unknown;
  parent: Node | undefined;
  key: string | number | undefined;
  depth: number;
}

const pathOf = (node: Node | undefined, last?: string): (string | number)[] => {
  const path: (string | number)[] = last === undefined ? [] : [last];
  for (let at = node; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
};

/**
 * What every input must be before its schema sees it: objects and arrays nested at most
 * MAX_INPUT_DEPTH deep, and every string, object keys included, storable text. Walked with an
 * explicit stack, so no input is deep enough to overflow the call stack here; a container past
 * the limit is reported once, at its own path, and not entered.
 */
export function inspectInput(input: unknown): InputProblem[] {
  const problems: InputProblem[] = [];
  const stack: Node[] = [{ value: input, parent: undefined, key: undefined, depth: 0 }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value } = node;
    if (typeof value === 'string') {
      if (!isStorableText(value)) problems.push({ path: pathOf(node), ...BAD_TEXT });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const depth = node.depth + 1;
    if (depth > MAX_INPUT_DEPTH) {
      problems.push({ path: pathOf(node), ...TOO_DEEP });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], parent: node, key: i, depth });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (isStorableText(key)) {
        stack.push({ value: (value as Record<string, unknown>)[key], parent: node, key, depth });
      } else {
        problems.push({ path: pathOf(node, key), ...BAD_TEXT });
      }
    }
  }
  return problems;
}

/** The problems `inspectInput` finds, as validation issues rooted where each top-level field travels. */
export function inputGuardIssues(
  input: unknown,
  locationOf: (field: string | undefined) => string,
): ValidationIssue[] {
  return inspectInput(input).map(({ path, msg, type }) => {
    const first = typeof path[0] === 'string' ? path[0] : undefined;
    return { loc: [locationOf(first), ...path], msg, type };
  });
}
