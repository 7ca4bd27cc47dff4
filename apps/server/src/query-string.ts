/**
 * The query string parser of the REST paths (Express's `query parser`): `a=1&a=2&b=` →
 * `{ a: ['1', '2'], b: '' }`, `+` as a space, on an object without a prototype.
 *
 * Percent-encoded bytes that are not UTF-8 (`%ED%B0%80` is how a lone surrogate travels) are
 * not replaced by U+FFFD, which would turn them into valid text: each such byte becomes the
 * lone surrogate U+DC00 + byte (Python's `surrogateescape`, PEP 383), so the value is refused
 * at its `loc` like any other unstorable text instead of being silently changed.
 */
export function parseQueryString(query: string | null | undefined): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const pair of (query ?? '').split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decodeComponent(pair.slice(equals + 1));
    const previous = result[key];
    result[key] =
      previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return result;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeComponent(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return surrogateEscaped(percentBytes(spaced));
  }
}

/** The bytes `%XX` sequences stand for; anything else (a lone `%`, `%zz`) as its own UTF-8. */
function percentBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const codePoint = text.codePointAt(i) as number;
      bytes.push(...Buffer.from(String.fromCodePoint(codePoint), 'utf8'));
      if (codePoint > 0xffff) i++;
    }
  }
  return Buffer.from(bytes);
}

function surrogateEscaped(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length > 0 && i + length <= bytes.length) {
      try {
        out += STRICT_UTF8.decode(bytes.subarray(i, i + length));
        i += length;
        continue;
      } catch {
        // not a valid sequence: escape its first byte below
      }
    }
    out += String.fromCharCode(0xdc00 + lead);
    i++;
  }
  return out;
}
