import {
  type GraphQLArgument,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
} from 'graphql';
import { buildSchema } from '../src/schema';

/**
 * What buildSubgraphSchema and the `@link` in schema/federation.graphql add: Federation's and the
 * link spec's own types, fields and directives, described (or not) by their libraries, not by us.
 * GraphQL's built-in scalars, directives and introspection types are left out by graphql-js's own tests.
 */
const NOT_OURS = {
  types: ['_Any', '_Entity', '_Service', 'link__Import', 'link__Purpose', 'federation__FieldSet', 'federation__Scope',
    'federation__Policy', 'federation__ContextFieldValue'],
  fields: ['Query._entities', 'Query._service'],
  directives: ['link', 'key', 'shareable', 'federation__requires', 'federation__provides', 'federation__external',
    'federation__tag', 'federation__extends', 'federation__inaccessible', 'federation__override',
    'federation__composeDirective', 'federation__interfaceObject', 'federation__authenticated',
    'federation__requiresScopes', 'federation__policy', 'federation__context', 'federation__fromContext',
    'federation__cost', 'federation__listSize'],
};

const described = (thing: { description?: string | null }) => Boolean(thing.description?.trim());

/** Every type, field, argument, input field, enum value and directive of ours that has no description, by coordinate. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const checkArgs = (owner: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) if (!described(arg)) missing.push(`${owner}(${arg.name}:)`);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type) || NOT_OURS.types.includes(type.name)) continue;
    if (!described(type)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (NOT_OURS.fields.includes(coordinate)) continue;
        if (!described(field)) missing.push(coordinate);
        checkArgs(coordinate, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!described(field)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (!described(value)) missing.push(`${type.name}.${value.name}`);
    }
  }
  for (const directive of schema.getDirectives()) {
    if (isSpecifiedDirective(directive) || NOT_OURS.directives.includes(directive.name)) continue;
    if (!described(directive)) missing.push(`@${directive.name}`);
    checkArgs(`@${directive.name}`, directive.args);
  }
  return missing;
}

describe('schema descriptions', () => {
  const schema = buildSchema();

  it('cover every type, field, argument, input field, enum value and directive of ours', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  it('are the SDL\'s, not replaced by a resolver\'s (a scalar\'s implementation carries its own)', () => {
    const replaced = Object.values(schema.getTypeMap())
      .filter((type) => type.astNode?.description && type.description !== type.astNode.description.value)
      .map((type) => `${type.name}: ${type.description}`);
    expect(replaced).toEqual([]);
  });

  it('exclude only what Federation and the link spec put in the schema', () => {
    // An exclusion that no longer names anything would hide a type of ours that took its name.
    const present = [
      ...NOT_OURS.types.filter((name) => schema.getType(name)),
      ...NOT_OURS.fields.filter((coordinate) => {
        const [type, field] = coordinate.split('.');
        return schema.getQueryType()?.name === type && schema.getQueryType()?.getFields()[field];
      }),
      ...NOT_OURS.directives.filter((name) => schema.getDirective(name)),
    ];
    expect(present).toEqual([...NOT_OURS.types, ...NOT_OURS.fields, ...NOT_OURS.directives]);
  });

  it('name what lacks a description, blank ones included', () => {
    // The check above must be able to fail: a schema with an undescribed field and a blank description.
    const { buildSchema: fromSdl } = jest.requireActual<typeof import('graphql')>('graphql');
    const sdl = '"A root." type Query { "  " blank: Int, bare(arg: Int): Int }';
    expect(undescribed(fromSdl(sdl))).toEqual(['Query.blank', 'Query.bare', 'Query.bare(arg:)']);
  });
});
