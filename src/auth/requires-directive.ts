import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import type { ApiKeyRole } from '../store/records';
import { hasRole } from './api-keys';

/**
 * Enforces `@requires(role: ...)` from the SDL: before the field's resolver runs (so nothing is
 * read or written), a request without a key is refused as UNAUTHENTICATED and one whose key has
 * too low a role as FORBIDDEN.
 */
export function applyRequiresDirective(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD](field, fieldName) {
      const [directive] = getDirective(schema, field, 'requires') ?? [];
      if (!directive) return field;
      const required = String(directive.role).toLowerCase() as ApiKeyRole;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve(source, args, context: Context, info) {
          if (context.viewer.role === 'public') {
            throw new UnauthenticatedError(`${fieldName} needs an API key: send "Authorization: Bearer <key>"`);
          }
          if (!hasRole(context.viewer, required)) {
            throw new ForbiddenError(`${fieldName} needs the ${required} role; this key is ${context.viewer.role}`);
          }
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
