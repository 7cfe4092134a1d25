/**
 * fast-check arbitraries built from the valibot schemas the routes validate with (src/http/schemas.ts):
 * bodies of the right shape, whose strings come mostly from pools of ids that exist (so requests get
 * past validation into the scripts), and hostile variants of them (a field replaced by a wrong type,
 * a boundary number, a huge or ill-formed string; a field dropped; prototype keys; arrays for objects;
 * raw text that is not JSON or is nested deep).
 */
import fc from 'fast-check';
import type * as v from 'valibot';

/** Values for string fields by field name (`user_id`, `store_id`…): mostly ids that exist. */
export type Pools = Record<string, readonly string[]>;

type Action = { kind: string; type: string; requirement?: unknown; pipe?: Action[] };
type Node = v.GenericSchema & {
  entries?: Record<string, Node>;
  wrapped?: Node;
  item?: Node;
  options?: Node[];
  pipe?: Action[];
};

/** The actions of a pipe, with those of the pipes it is built on (`v.pipe(Id, …)`). */
const actionsOf = (pipe: Action[] = []): Action[] =>
  pipe.flatMap((step) => (step.kind === 'schema' ? actionsOf(step.pipe) : [step]));

const limit = (node: Node, type: string) =>
  actionsOf(node.pipe).find((action) => action.type === type)?.requirement as number | undefined;

/** Ill-formed and unusual strings: lone surrogates, controls, a BOM, long and multi-byte text. */
export const oddString = fc.oneof(
  fc.constantFrom('x\ud800', 'x\udfff', '\udc00', 'a\ud800b', '\ud83d', '', ' ', '\u0000', '\ufeff'),
  fc.constantFrom('{u:a}', '%7B', 'a:b', '*', '__proto__', 'constructor', '美丽心灵', 'e\u0301'),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ maxLength: 300 }),
);

function stringOf(name: string, node: Node, pools: Pools): fc.Arbitrary<string> {
  const max = Math.min(limit(node, 'max_length') ?? 64, 64);
  const free = fc.string({ minLength: 0, maxLength: max });
  const pool = pools[name];
  if (!pool?.length) return fc.oneof({ arbitrary: free, weight: 4 }, { arbitrary: oddString, weight: 1 });
  return fc.oneof(
    { arbitrary: fc.constantFrom(...pool), weight: 8 },
    { arbitrary: free, weight: 1 },
    { arbitrary: oddString, weight: 1 },
  );
}

function numberOf(node: Node): fc.Arbitrary<number> {
  const min = limit(node, 'min_value') ?? -1e6;
  const max = limit(node, 'max_value') ?? 1e6;
  const integer = actionsOf(node.pipe).some((action) => action.type === 'integer');
  const inRange = integer
    ? fc.integer({ min: Math.max(min, -1e6), max: Math.min(max, 1e6) })
    : fc.double({ min, max, noNaN: true });
  return fc.oneof({ arbitrary: inRange, weight: 6 }, fc.constantFrom(min, max, 0, 1));
}

/** A value of the shape `node` describes; `name` is the field it is for (it picks the pool). */
export function shaped(node: Node, pools: Pools, name = ''): fc.Arbitrary<unknown> {
  switch (node.type) {
    case 'object': {
      const entries = node.entries ?? {};
      const fields = Object.fromEntries(
        Object.entries(entries).map(([key, child]) => [key, shaped(child, pools, key)]),
      );
      const required = Object.keys(entries).filter(
        (key) => !['optional', 'nullish'].includes(entries[key]?.type ?? ''),
      );
      return fc.record(fields, { requiredKeys: required });
    }
    case 'optional':
    case 'nullable':
    case 'nullish':
      return fc.oneof(
        { arbitrary: shaped(node.wrapped as Node, pools, name), weight: 3 },
        { arbitrary: fc.constant(null), weight: node.type === 'optional' ? 0 : 1 },
      );
    case 'array':
      return fc.array(shaped(node.item as Node, pools, name), { minLength: 0, maxLength: 4 });
    case 'union':
      return fc.oneof(...(node.options ?? []).map((option) => shaped(option, pools, name)));
    case 'string':
      return stringOf(name, node, pools);
    case 'number':
      return numberOf(node);
    case 'boolean':
      return fc.boolean();
    default:
      throw new Error(`schema-arbitrary: no generator for a valibot ${node.type}`);
  }
}
