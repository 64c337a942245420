import { createHash, timingSafeEqual } from 'node:crypto';
import type { GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { type DocumentNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Context } from '../context';
import { ErrorCode, GatewayError } from '../errors';

/** The header a federation router sends the subgraph secret in (SUBGRAPH_SECRET). */
export const SUBGRAPH_SECRET_HEADER = 'newsgate-subgraph-secret';

/** The fields only a router should call: they print the whole schema and bypass the root fields' rules. */
export const SUBGRAPH_FIELDS = new Set(['_service', '_entities']);

/**
 * Who may call the subgraph fields: with a secret, only requests that carry it; without one, anyone
 * outside production (a developer composing locally) and no one in production, where the schema is
 * otherwise hidden (introspection is off).
 */
export interface SubgraphAccess {
  secret?: string;
  production: boolean;
}

/** The subgraph fields `operation` (of `document`) selects at its root, through fragments too. */
export function subgraphFieldsOf(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const found = new Set<string>();
  const fragment = (name: string) => document.definitions.find((definition): definition is FragmentDefinitionNode =>
    definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name);
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (SUBGRAPH_FIELDS.has(selection.name.value)) found.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        const spread = fragment(selection.name.value);
        if (spread) visit(spread.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  if (operation.operation === 'query') visit(operation.selectionSet, new Set());
  return [...found];
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether the request carries the subgraph secret (compared in constant time): it comes from the
 * router, whose query plans are exempt from the trusted-documents manifest (the router checks its
 * clients' operations itself).
 */
export function fromRouter(requestContext: GraphQLRequestContextDidResolveOperation<Context>, access: SubgraphAccess): boolean {
  const given = requestContext.request.http?.headers.get(SUBGRAPH_SECRET_HEADER);
  return access.secret !== undefined && given !== undefined && timingSafeEqual(digest(given), digest(access.secret));
}

/**
 * The refusal of an operation that selects the subgraph fields without the right to (see
 * `SubgraphAccess`), or undefined. Checked first among the request limits (./limits.ts), before
 * anything is read or charged.
 */
export function subgraphRefusal(
  requestContext: GraphQLRequestContextDidResolveOperation<Context>, access: SubgraphAccess,
): GatewayError | undefined {
  const { operation, document } = requestContext;
  if (!operation || (!access.secret && !access.production)) return undefined;
  const fields = subgraphFieldsOf(operation, document);
  if (fields.length === 0) return undefined;
  if (fromRouter(requestContext, access)) return undefined;
  const advice = access.secret
    ? `send the \`${SUBGRAPH_SECRET_HEADER}\` header the router is configured with, or query the router instead`
    : `this gateway runs in production without SUBGRAPH_SECRET; set it and have the router send it in the \`${SUBGRAPH_SECRET_HEADER}\` header`;
  return new GatewayError(ErrorCode.SUBGRAPH_SECRET_REQUIRED,
    { fields: fields.map((field) => `\`${field}\``).join(' and '), advice },
    { refusal: true, extensions: { fields } });
}
