import { MapperKind, getDirective, isPromise, mapSchema } from '@graphql-tools/utils';
import { type GraphQLSchema, isObjectType } from 'graphql';
import { BadUserInputError } from '../errors';
import { type NodeType, NODE_TYPES, databaseIdOf } from '../global-ids';

/** A router's reference to one of our entities, as `__resolveReference` receives it: one key's fields. */
export type EntityKey<Field extends string = 'id'> = { __typename: string } & Record<Field, string>;

/** The entity types and, for each, the fields of each of its keys (`@key(fields: "…")` in schema/). */
export function entityKeys(schema: GraphQLSchema): Map<string, string[][]> {
  const keys = new Map<string, string[][]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const fieldSets = (getDirective(schema, type, 'key') ?? []).map((key) => String(key.fields).trim().split(/\s+/));
    if (fieldSets.length > 0) keys.set(type.name, fieldSets);
  }
  return keys;
}

/**
 * Checks one representation and returns it with its key values as strings (an `ID` may arrive as a
 * number), a node's `id` as its store id whether it came global or not (../global-ids.ts), and its
 * `databaseId` key as that `id`. A representation must name an entity type and carry every field of one of its keys;
 * anything else is the router's mistake, refused as BAD_USER_INPUT naming it, rather than the
 * untyped error `@apollo/subgraph` would throw (which clients would see masked as an internal one).
 */
function checkedRepresentation(value: unknown, index: number, keys: Map<string, string[][]>): EntityKey<string> {
  const argument = `representations[${index}]`;
  const entityTypes = [...keys.keys()].join(', ');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadUserInputError(argument, `must be an object with \`__typename\` (one of ${entityTypes}) and its key fields`);
  }
  const { __typename: typename, ...fields } = value as Record<string, unknown>;
  const fieldSets = typeof typename === 'string' ? keys.get(typename) : undefined;
  if (!fieldSets) throw new BadUserInputError(`${argument}.__typename`, `must name one of our entity types: ${entityTypes}`);
  const key = fieldSets.find((set) => set.every((field) => typeof fields[field] === 'string' || Number.isSafeInteger(fields[field])));
  if (!key) {
    const wanted = fieldSets.map((set) => set.join(' and ')).join(' or ');
    throw new BadUserInputError(argument, `a ${typename} is referenced by ${wanted} (a string)`);
  }
  const values = key.map((field) => [field, String(fields[field])]);
  // Routers send what the graph gave them or what another subgraph kept: a global id or a store id.
  const node = (NODE_TYPES as readonly string[]).includes(typename as string) ? typename as NodeType : null;
  // A node's `databaseId` key is its store id, which its `__resolveReference` reads as `id`.
  const converted = values.map(([field, value]) => (!node || (field !== 'id' && field !== 'databaseId') ? [field, value]
    : ['id', field === 'id' ? databaseIdOf(node, value, `${argument}.id`) : value]));
  return { __typename: typename as string, ...Object.fromEntries(converted) };
}

/**
 * The schema with `Query._entities` checking every representation first (see `checkedRepresentation`):
 * a bad one is `null` with its BAD_USER_INPUT error (path `_entities.<index>`), and the others are
 * resolved as usual, in one batch.
 */
export function checkingRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const keys = entityKeys(schema);
  return mapSchema(schema, {
    [MapperKind.QUERY_ROOT_FIELD](field, fieldName) {
      if (fieldName !== '_entities' || !field.resolve) return field;
      const resolve = field.resolve;
      return {
        ...field,
        resolve(source, args: { representations: unknown[] }, context, info) {
          const checked = args.representations.map((value, index) => {
            try {
              return checkedRepresentation(value, index, keys);
            } catch (error) {
              return error as BadUserInputError;
            }
          });
          const good = checked.filter((entry): entry is EntityKey<string> => !(entry instanceof BadUserInputError));
          const resolved = (resolve(source, { representations: good }, context, info) as unknown[])[Symbol.iterator]();
          // An item that is an Error is null in the answer, with that error: graphql-js completes list
          // items one by one. Errors are given as items rather than as rejected promises, which
          // graphql-jit (src/execution/compiled-queries.ts) places wrongly in a list.
          return checked.map((entry) => (entry instanceof BadUserInputError ? entry : failureAsItem(resolved.next().value)));
        },
      };
    },
  });
}

/** `item`, or for a promise, one that resolves to the Error it would have been rejected with. */
function failureAsItem(item: unknown): unknown {
  return isPromise(item) ? item.catch((error: unknown) => (error instanceof Error ? error : Promise.reject(error))) : item;
}
