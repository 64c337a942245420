import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { INSTANT_RULE, isStorableInstant } from '../src/input-rules';

/** An instant the store keeps exactly, or a refusal saying the range (src/input-rules.ts). */
function storable(date: Date): Date {
  if (!isStorableInstant(date)) throw new GraphQLError(`DateTime ${date.toISOString()} ${INSTANT_RULE}`);
  return date;
}

/**
 * ISO 8601 date-times with a zone, within the range the store keeps; anything else is refused with
 * a message naming the value. Clients read the SDL's description (schema/common.graphql), not
 * graphql-scalars' own, which would tell them "at UTC" and not the range: a scalar's description
 * replaces the SDL's unless it is undefined.
 */
export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description: undefined,
  parseValue: (value) => storable(DateTimeResolver.parseValue(value)),
  parseLiteral: (ast, variables) => storable(DateTimeResolver.parseLiteral(ast, variables)),
});
