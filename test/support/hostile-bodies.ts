/**
 * Request bodies as raw text for the fuzz suite: a body of the right shape, or a hostile variant of
 * it (a field replaced by a wrong type, a boundary number, a huge or ill-formed string; a field
 * dropped; prototype and duplicate keys; an array or scalar for the object; text that is not JSON
 * or is nested deep).
 */
import fc from 'fast-check';
import { oddString } from './schema-arbitrary.ts';

/** A string that stands for raw JSON number text JSON.stringify cannot write (1e309, -0, 1e-400). */
const RAW = '\u0000raw:';
const raw = (text: string) => `${RAW}${text}`;
const unraw = (json: string) => json.replace(/"\\u0000raw:([^"]*)"/g, '$1');

const HUGE_TEXT = 'a'.repeat(1_100_000);
const HUGE_BASE64 = Buffer.alloc(1_500_000, 0x5a).toString('base64');

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 0.5, -0.5, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 1e21),
  fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e12 + 1, -1e12 - 1),
  fc.constantFrom('', '0', '-1', '1e309', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', '1'),
  fc.constantFrom(
    raw('1e309'),
    raw('-1e309'),
    raw('1e-400'),
    raw('123456789012345678901234567890'),
    raw('-0'),
  ),
  oddString,
  fc.constantFrom(HUGE_TEXT, HUGE_BASE64, [HUGE_BASE64], ['QQ==', 'Q', 'x\ud800']),
  fc.constantFrom({}, [], [[]], [{}], { id: 'b1', count: 1 }, JSON.parse('{"__proto__":{"x":1}}')),
  fc.jsonValue({ maxDepth: 3 }),
);

type Json = Record<string, unknown> | unknown[];

/** Every path to a value inside `body` (keys and array indexes), depth first. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...pathsOf((value as Record<string | number, unknown>)[key], path)];
  });
}

/** A copy of `body` with the value at `path` replaced (or removed when `value` is `drop`). */
function edited(body: unknown, path: (string | number)[], value: unknown, drop: boolean): unknown {
  const copy = structuredClone(body) as Json;
  let at: Record<string | number, unknown> = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (drop && Array.isArray(at)) at.splice(Number(last), 1);
  else if (drop) delete at[last];
  else at[last] = value;
  return copy;
}

const mutated = (body: unknown) =>
  fc.record({ pick: fc.nat(), value: hostileValue, drop: fc.boolean() }).map(({ pick, value, drop }) => {
    const paths = pathsOf(body);
    const path = paths[pick % Math.max(paths.length, 1)];
    return path ? unraw(JSON.stringify(edited(body, path, value, drop))) : unraw(JSON.stringify(value));
  });

/** Keys a naive merge would write onto Object.prototype, and a duplicate that JSON.parse keeps last. */
const PROTO_KEYS = [
  '"__proto__":{"user_id":"admin","polluted":true}',
  '"constructor":{"prototype":{"polluted":true}}',
  '"prototype":null',
  '"user_id":"shadowed"',
];
const withPrototypeKeys = (text: string) =>
  fc.subarray(PROTO_KEYS, { minLength: 1 }).map((keys) => {
    if (!text.startsWith('{')) return text;
    const rest = text.slice(1);
    return `{${keys.join(',')}${rest === '}' ? '' : ','}${rest}`;
  });

const deep = (open: string, close: string, depth: number, inner = '1') =>
  open.repeat(depth) + inner + close.repeat(depth);

const notAnObject = (body: unknown) =>
  fc.oneof(
    fc.constant(JSON.stringify([body])),
    fc.constantFrom('null', '42', '"text"', 'true', '[]', '', ' ', '\ufeff{}', '{}'),
    fc.constantFrom(deep('[', ']', 10_000), deep('{"a":', '}', 5_000), deep('[', ']', 200_000, '')),
    fc.string({ maxLength: 200 }),
    fc.nat().map((n) => JSON.stringify(body).slice(0, n % 200)),
    fc.constant(`${JSON.stringify(body)} // comment`),
  );

/** Raw body text for a request whose valid bodies `shape` generates. */
export function bodyText(shape: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return shape.chain((body) => {
    const text = JSON.stringify(body);
    return fc.oneof(
      { arbitrary: fc.constant(text), weight: 5 },
      { arbitrary: mutated(body), weight: 5 },
      { arbitrary: withPrototypeKeys(text), weight: 1 },
      { arbitrary: notAnObject(body), weight: 1 },
    );
  });
}
