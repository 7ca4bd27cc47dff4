import Ajv2020 from 'ajv/dist/2020';
import { z } from 'zod';

/**
 * Output schemas that check an answer instead of copying it.
 *
 * tRPC validates a procedure's answer with the schema's `parse`, and zod's `parse` rebuilds
 * every object it validates: for a page of 50 datasets that is about 65 KB of short-lived
 * objects per request, a quarter of all the List path allocates (sampling heap profile), paid
 * again in young-generation collections. `checkedOutput(schema)` is the same schema with a
 * `parse` that validates the JSON Schema zod derives from it (compiled once by ajv, which
 * allocates nothing for a valid answer) and hands the answer on as it is.
 *
 * What is checked is what was checked before: every field's type, enums, integer bounds, the
 * ISO timestamp pattern, and no field the schema does not name (zod would have dropped one
 * silently; here it is an error, so nothing undocumented can reach a client). A failed check
 * throws a ZodError, which tRPC turns into a 500 ("Output validation failed") as it did.
 * Everything else — the TypeScript type, the OpenAPI document trpc-to-openapi derives from
 * the schema, its component name — is the zod schema's own.
 */

const ajv = new Ajv2020({
  // zod writes `example` and `format` beside the keywords it checks; the ISO timestamp's own
  // `pattern` is checked, so its `format` needs no second, slower check.
  strict: false,
  validateFormats: false,
});

const checked = new WeakMap<z.ZodType, z.ZodType>();

export function checkedOutput<T extends z.ZodType>(schema: T): T {
  const known = checked.get(schema);
  if (known) return known as T;
  const validate = ajv.compile(z.toJSONSchema(schema, { io: 'output' }));
  const check = (value: unknown) => {
    if (validate(value)) return value;
    throw new z.ZodError(
      (validate.errors ?? []).map((error) => ({
        code: 'custom' as const,
        path: error.instancePath.split('/').slice(1),
        message: error.message ?? 'invalid',
        input: undefined,
      })),
    );
  };
  const wrapped = new Proxy(schema, {
    get(target, key) {
      if (key === 'parse') return check;
      if (key === 'parseAsync') return async (value: unknown) => check(value);
      return Reflect.get(target, key, target);
    },
  });
  // The registry is keyed by schema object: the wrapper gets the schema's metadata (its
  // component name in the OpenAPI document).
  const meta = z.globalRegistry.get(schema);
  if (meta) z.globalRegistry.add(wrapped, meta);
  checked.set(schema, wrapped);
  return wrapped;
}
