import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import {
  type DocumentNode, type FieldDefinitionNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField,
  type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, type TypeDefinitionNode, type TypeExtensionNode,
  Kind, getDirectiveValues, getNamedType, isCompositeType, isInterfaceType, isObjectType,
} from 'graphql';
import type { Context } from '../context';

const VARY = 'Authorization, Newsgate-Subgraph-Secret';

/** How long shared caches and browsers may keep a public answer, in seconds. */
export const DEFAULT_HTTP_MAX_AGE_SECONDS = 30;

/** A cache policy, as Apollo's `overallCachePolicy` takes it. */
export interface CacheHint {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/** A `@cacheControl` hint as written in the schema. */
interface Annotation extends CacheHint {
  inheritMaxAge?: boolean;
}

/** The `@cacheControl` hint on a type or field definition, `{}` when it has none. */
function annotationOf(schema: GraphQLSchema, nodes: readonly (TypeDefinitionNode | TypeExtensionNode | FieldDefinitionNode | null | undefined)[]): Annotation {
  const directive = schema.getDirective('cacheControl');
  for (const node of nodes) {
    const values = directive && node ? getDirectiveValues(directive, node) : undefined;
    if (values) {
      return values.inheritMaxAge === true
        ? { inheritMaxAge: true, scope: values.scope as CacheHint['scope'] }
        : { maxAge: values.maxAge as number | undefined, scope: values.scope as CacheHint['scope'] };
    }
  }
  return {};
}

/** `policy` narrowed by `hint`: the shorter max-age, and PRIVATE over PUBLIC. */
function restrict(policy: CacheHint, hint: CacheHint): CacheHint {
  return {
    maxAge: hint.maxAge === undefined ? policy.maxAge : Math.min(hint.maxAge, policy.maxAge ?? Infinity),
    scope: policy.scope === 'PRIVATE' || hint.scope === 'PRIVATE' ? 'PRIVATE' : hint.scope ?? policy.scope,
  };
}

/**
 * The cache policy of one operation, from the schema's `@cacheControl` hints on the fields it selects,
 * by the rule of Apollo's cache-control plugin (a root field, or a field of an object type, without a
 * max-age gets `defaultMaxAge`; `inheritMaxAge` keeps the parent's; scopes and max-ages restrict the
 * whole answer), read from the document once instead of in a hook on every resolved field. A field
 * selected under an object that turns out null still counts: the policy can only be stricter.
 */
export function operationCachePolicy(
  schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, defaultMaxAge: number,
): CacheHint {
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode =>
    definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName));
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return {};
  const fragments = new Map(document.definitions
    .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
    .map((fragment) => [fragment.name.value, fragment]));
  let policy: CacheHint = {};

  const fieldPolicy = (field: GraphQLField<unknown, unknown>, isRoot: boolean): CacheHint => {
    const target = getNamedType(field.type);
    let hint: CacheHint = {};
    let inheritMaxAge = false;
    if (isCompositeType(target)) {
      const typeHint = annotationOf(schema, [target.astNode, ...target.extensionASTNodes]);
      hint = { ...hint, ...defined(typeHint) };
      inheritMaxAge = !!typeHint.inheritMaxAge;
    }
    const fieldHint = annotationOf(schema, [field.astNode]);
    if (fieldHint.inheritMaxAge && hint.maxAge === undefined) {
      inheritMaxAge = true;
      if (fieldHint.scope) hint = { ...hint, scope: fieldHint.scope };
    } else {
      hint = { ...hint, ...defined(fieldHint) };
    }
    if (hint.maxAge === undefined && ((isCompositeType(target) && !inheritMaxAge) || isRoot)) hint = { ...hint, maxAge: defaultMaxAge };
    return hint;
  };

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, isRoot: boolean, seen: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        policy = restrict(policy, fieldPolicy(field, isRoot));
        const target = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(target)) walk(selection.selectionSet, target, false, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, isRoot, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type) && !seen.has(fragment.name.value)) {
          walk(fragment.selectionSet, type, isRoot, new Set(seen).add(fragment.name.value));
        }
      }
    }
  };
  walk(operation.selectionSet, root, true, new Set());
  return policy;
}

/** The hint's fields that are set (so that spreading it never unsets one). */
function defined(hint: Annotation): CacheHint {
  return Object.fromEntries(Object.entries(hint).filter(([name, value]) => value !== undefined && name !== 'inheritMaxAge'));
}

/**
 * The `Cache-Control` header of every GraphQL answer, from the schema's `@cacheControl` hints:
 *
 * - a query by the public, without errors: `max-age=<maxAgeSeconds>, public` (or less, where a field's
 *   hint says so), so a CDN or browser may serve it again for that long;
 * - a query with an API key: `private` (the answer may hold drafts and editor-only fields), so no
 *   shared cache keeps it; the max-age still lets the client's own cache do so;
 * - a mutation, an answer with errors, a `maxAgeSeconds` of 0, or any field hinted `maxAge: 0`:
 *   `no-store`.
 *
 * Every answer also says `Vary: Authorization, Newsgate-Subgraph-Secret`: a shared cache must not give
 * the public's answer to a request with a key, nor the other way round, nor a federation router's
 * answer (`_entities`) to a request without the subgraph secret.
 *
 * Apollo's own cache-control plugin is disabled: it runs a hook on every resolved field (about a
 * tenth of an uncached list's CPU, and a third of its allocations). The hints are read from the
 * document instead (`operationCachePolicy`), once per document and operation: the policy is kept
 * with the parsed document, which Apollo's document cache keeps.
 */
export function httpCachePlugins(maxAgeSeconds = DEFAULT_HTTP_MAX_AGE_SECONDS): ApolloServerPlugin<Context>[] {
  const policies = new WeakMap<DocumentNode, Map<string, CacheHint>>();
  const policyOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string | null) => {
    let byOperation = policies.get(document);
    if (!byOperation) policies.set(document, byOperation = new Map());
    let policy = byOperation.get(operationName ?? '');
    if (!policy) byOperation.set(operationName ?? '', policy = operationCachePolicy(schema, document, operationName, maxAgeSeconds));
    return policy;
  };
  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, operation, contextValue, overallCachePolicy }) {
          overallCachePolicy.restrict(policyOf(schema, document, operationName));
          if (operation?.operation !== 'query') overallCachePolicy.restrict({ maxAge: 0 });
          if (contextValue.viewer.role !== 'public') overallCachePolicy.restrict({ scope: 'PRIVATE' });
        },
        async willSendResponse({ response, overallCachePolicy }) {
          const cacheable = overallCachePolicy.policyIfCacheable();
          response.http.headers.set('cache-control', cacheable && response.body.kind === 'single' && !response.body.singleResult.errors
            ? `max-age=${cacheable.maxAge}, ${cacheable.scope.toLowerCase()}`
            : 'no-store');
          response.http.headers.set('vary', VARY);
        },
      };
    },
  };
  return [ApolloServerPluginCacheControlDisabled(), plugin];
}
