/**
 * Global object identification (Relay's `Node`): the ids the graph gives its entities, unique across
 * types, and the reading of ids clients send back. The store numbers each type on its own (article
 * 1, author 1 and place 1 all exist); the graph's `id` is the opaque base64url of `Type:databaseId`,
 * and `databaseId` keeps the store's number. Every argument that names an entity takes either.
 * docs/api.md, "Global ids", says why and what clients see.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  type GraphQLArgument, type GraphQLField, type GraphQLFieldResolver, type GraphQLInputField, type GraphQLInputType,
  type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema, getNamedType, getNullableType, isInputObjectType, isListType,
} from 'graphql';
import { BadUserInputError } from './errors';
import { isStoredId } from './store/sql-common';

/** The types that implement `Node`, as the schema names them. */
export const NODE_TYPES = ['Article', 'Author', 'Location', 'CasualtyFigure'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

const GLOBAL_ID = new RegExp(`^(${NODE_TYPES.join('|')}):(0|[1-9]\\d*)$`);

/** The global id of the `type` whose store id is `databaseId`: base64url of `Type:databaseId`, as cursors are base64url too. */
export function toGlobalId(type: NodeType, databaseId: string): string {
  return Buffer.from(`${type}:${databaseId}`).toString('base64url');
}

/**
 * The type and store id a global id names; null when `id` is not one this API issued (a per-type id
 * such as "1", a cursor, anything else). Only the canonical spelling is taken, so one entity has
 * one global id.
 */
export function parseGlobalId(id: string): { type: NodeType; databaseId: string } | null {
  const match = GLOBAL_ID.exec(Buffer.from(id, 'base64url').toString('utf8'));
  if (!match || !isStoredId(match[2]) || toGlobalId(match[1] as NodeType, match[2]) !== id) return null;
  return { type: match[1] as NodeType, databaseId: match[2] };
}

/**
 * The store id of a `type` named by `id`, a global id or a per-type id: a global id of another type
 * is refused (BAD_USER_INPUT naming `argument`); anything else is passed on as a per-type id, which
 * the store answers as before (an id it does not hold names nothing).
 */
export function databaseIdOf(type: NodeType, id: string, argument: string): string {
  const global = parseGlobalId(id);
  if (!global) return id;
  if (global.type !== type) {
    throw new BadUserInputError(argument, `is a global id of type ${global.type}, not ${type}: pass the \`id\` or \`databaseId\` of the ${type} meant`);
  }
  return global.databaseId;
}

/** The entity type an argument or input field of type `ID` names, by its name. */
const NODE_ID_NAMES: Record<string, NodeType> = {
  articleId: 'Article', articleIds: 'Article',
  authorId: 'Author', authorIds: 'Author',
  locationId: 'Location', locationIds: 'Location', parentId: 'Location', withinId: 'Location', regionId: 'Location',
  partOfId: 'CasualtyFigure', restatesId: 'CasualtyFigure', supersedesId: 'CasualtyFigure',
};

/**
 * The `ID` arguments named otherwise: an `id` argument names the type its field returns, except
 * these (`null`: not one of our entities). `node` and `nodes` read global ids themselves.
 */
const FIELD_ID_TYPES: Record<string, NodeType | null> = {
  'Mutation.deleteAuthor': 'Author',
  'Mutation.deleteLocation': 'Location',
  'Mutation.importExternalArticle': null,
  'Query.node': null,
  'Query.nodes': null,
  'Query.articleSnapshot': 'Article',
};

/** Input fields of type `ID` named otherwise (`Input.field`). */
const INPUT_FIELD_ID_TYPES: Record<string, NodeType> = {
  'ArticleFilter.ids': 'Article',
};

/** `ID` arguments and input fields that name no entity of ours. */
const OTHER_IDS = new Set(['sourceIds']);

/** Turns the value of one argument (or input field) into store ids; `path` names it in errors. */
type Conversion = (value: unknown, path: string) => unknown;

/** How the ids inside a value of `type` are read; undefined when it holds none. */
function conversionOf(type: GraphQLInputType, node: NodeType | null | undefined, seen: Set<string>): Conversion | undefined {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const item = conversionOf(nullable.ofType, node, seen);
    return item && ((value, path) => (Array.isArray(value) ? value.map((one, i) => item(one, `${path}.${i}`)) : item(value, path)));
  }
  const named = getNamedType(type);
  if (named.name === 'ID') {
    return node ? ((value, path) => (typeof value === 'string' ? databaseIdOf(node, value, path) : value)) : undefined;
  }
  if (!isInputObjectType(named) || seen.has(named.name)) return undefined;
  const fields = Object.values(named.getFields())
    .map((field) => [field.name, conversionOf(field.type, nodeOfInput(field, named.name), new Set(seen).add(named.name))] as const)
    .filter((entry): entry is [string, Conversion] => entry[1] !== undefined);
  if (fields.length === 0) return undefined;
  return (value, path) => {
    if (typeof value !== 'object' || value === null) return value;
    const converted: Record<string, unknown> = { ...value };
    for (const [name, convert] of fields) {
      if (converted[name] != null) converted[name] = convert(converted[name], `${path}.${name}`);
    }
    return converted;
  };
}

/** The entity an input field (of the input type `inputName`) or an argument names, by its name. */
function nodeOfInput(field: GraphQLInputField | GraphQLArgument, inputName?: string): NodeType | undefined {
  return NODE_ID_NAMES[field.name] ?? (inputName === undefined ? undefined : INPUT_FIELD_ID_TYPES[`${inputName}.${field.name}`]);
}

/** The entity an `ID` argument of `field` (on `typeName`) names: by its name, or for `id` by the field. */
function nodeOfArgument(typeName: string, field: GraphQLField<unknown, unknown>, arg: GraphQLArgument): NodeType | null | undefined {
  if (arg.name !== 'id') return nodeOfInput(arg);
  const coordinate = `${typeName}.${field.name}`;
  if (coordinate in FIELD_ID_TYPES) return FIELD_ID_TYPES[coordinate];
  const returned = getNamedType(field.type).name;
  return (NODE_TYPES as readonly string[]).includes(returned) ? returned as NodeType : undefined;
}

/**
 * Every `ID` argument and input field (`Type.field(argument)`, `Input.field`) that names none of our
 * entities by the rules above and is not known to name something else: a new one must be classified
 * here before clients can pass it a global id (test/global-ids.test.ts keeps this empty).
 */
export function unclassifiedIdArguments(schema: GraphQLSchema): string[] {
  const found: string[] = [];
  const isId = (type: GraphQLInputType) => getNamedType(type).name === 'ID';
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (isId(field.type) && !nodeOfInput(field, type.name) && !OTHER_IDS.has(field.name)) found.push(`${type.name}.${field.name}`);
      }
    } else if ('getFields' in type) {
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        for (const arg of field.args ?? []) {
          if (!isId(arg.type) || OTHER_IDS.has(arg.name)) continue;
          if (nodeOfArgument(type.name, field, arg) === undefined && !(`${type.name}.${field.name}` in FIELD_ID_TYPES)) {
            found.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
  }
  return found;
}

/**
 * The schema with every argument that names one of our entities taking its global id as well as its
 * per-type id: resolvers receive store ids, whichever the client sent (a global id of another type
 * is refused with BAD_USER_INPUT naming the argument).
 */
export function acceptingGlobalIds(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD](config, fieldName, typeName) {
      const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName];
      if (!field || field.args.length === 0) return config;
      const conversions = field.args
        .map((arg) => [arg.name, conversionOf(arg.type, nodeOfArgument(typeName, field, arg), new Set())] as const)
        .filter((entry): entry is [string, Conversion] => entry[1] !== undefined);
      if (conversions.length === 0) return config;
      const convert = (args: Record<string, unknown>) => {
        const converted = { ...args };
        for (const [name, conversion] of conversions) {
          if (converted[name] != null) converted[name] = conversion(converted[name], name);
        }
        return converted;
      };
      // A subscription's arguments reach `subscribe` first, then `resolve` with each event.
      const wrap = (resolver: GraphQLFieldResolver<unknown, unknown> | undefined) => resolver &&
        ((source: unknown, args: Record<string, unknown>, context: unknown, info: GraphQLResolveInfo) => resolver(source, convert(args), context, info));
      return { ...config, resolve: wrap(config.resolve), subscribe: wrap(config.subscribe) };
    },
  });
}
