import {
  type ArgumentNode, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode,
  getNamedType, getNullableType, getVariableValues, isCompositeType, isListType, visit,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import type { PageLimits } from '../pagination';

/** How the cost of an operation is estimated; see `operationCost`. */
export interface CostModel extends PageLimits {
  /** The length assumed for a list field without `first` (an article's figures, a place's children). */
  assumedListSize: number;
}

export const DEFAULT_ASSUMED_LIST_SIZE = 10;

/**
 * The cost rule, as one graphql-query-complexity estimator:
 * - every field costs 1, plus what is selected inside it;
 * - a connection (a field whose type is named `…Connection`) with a `first` argument costs
 *   1 + n × (its per-item lists) + (the rest of what is selected inside it), with n = `first` (or `last`,
 *   paging backwards; the larger when both are given), or the default page size when both are absent
 *   or null, capped at the maximum page size (a larger `first`
 *   is refused by the resolver, with a message that says so). Its per-item lists are the lists of
 *   objects of the connection type (`edges`, and `nodes` where a connection has them), each costing
 *   1 + what is selected inside it per item; `totalCount`, `pageInfo` and any other field of the
 *   connection are answered once per page and are charged once; a list ordered by `RELEVANCE` is
 *   charged as the largest page whatever its `first`: ranking reads every match of the search, not a
 *   page of them (docs/store.md, "Filters and orders"); filters do not change the cost (their lists
 *   are capped at 100 values by the resolvers);
 * - any other field with a `first` argument (a plain list such as `latestArticles`) costs
 *   1 + n × (what is selected inside it);
 * - `_entities` (a federation router's references) and `nodes` cost 1 + n × (what is selected inside
 *   them), with n the number of representations or ids: the batch is counted like a page of that size;
 * - any other list of objects costs 1 + `assumedListSize` × (what is selected inside it); a list of
 *   scalars costs 1;
 * - introspection (`__schema`, `__type`, `__typename`) costs nothing: it is bounded by the schema,
 *   graphql's own MaxIntrospectionDepthRule stops its nesting, and it is off in production.
 * So lists multiply: `articles(first: 20) { totalCount edges { node { casualtyFigures { id } } } }`
 * costs 1 + 20 × (1 + 1 + (1 + 10 × 1)) + 1 = 262.
 *
 * One estimator costs one operation: graphql-query-complexity estimates what is selected inside a
 * field before the field itself, so the estimator keeps the per-item cost of the lists it has met
 * until the connection they belong to takes it.
 */
export function costEstimator(model: CostModel): ComplexityEstimator {
  let perItem = 0;
  const pageSize = (args: Record<string, unknown>) => {
    if (args.orderBy === 'RELEVANCE') return model.maxPageSize;
    const sizes = [args.first, args.last].filter((size): size is number => typeof size === 'number');
    return Math.min(Math.max(sizes.length > 0 ? Math.max(...sizes) : model.defaultPageSize, 0), model.maxPageSize);
  };
  return ({ type: parent, field, args, childComplexity }) => {
    if (field.name.startsWith('__')) return 0;
    if (field.name === '_entities' && Array.isArray(args.representations)) return 1 + args.representations.length * childComplexity;
    if (field.name === 'nodes' && parent.name === 'Query' && Array.isArray(args.ids)) return 1 + args.ids.length * childComplexity;
    const type = getNullableType(field.type);
    const paged = field.args.some((arg) => arg.name === 'first');
    if (isConnection(getNamedType(type))) {
      const items = perItem;
      perItem = 0;
      return 1 + (paged ? pageSize(args) : 1) * items + childComplexity;
    }
    if (paged) return 1 + pageSize(args) * childComplexity;
    if (isListType(type) && isCompositeType(getNamedType(type))) {
      if (isConnection(parent)) {
        perItem += 1 + childComplexity;
        return 0;
      }
      return 1 + model.assumedListSize * childComplexity;
    }
    return 1 + childComplexity;
  };
}

/** Whether `type` is a page of a Relay connection (`ArticleConnection`, `NewsConnection`, …). */
const isConnection = (type: { name: string }) => type.name.endsWith('Connection');

/**
 * The estimated cost of `operation` (one of `document`'s) with `variables`, by `costEstimator`.
 * Resolves to `null` when the variables do not fit the operation: then nothing will run, and Apollo
 * refuses the request with its own BAD_USER_INPUT error. Throws when the cost cannot be computed
 * (for instance past graphql-query-complexity's 10,000 evaluated nodes): callers refuse the request.
 */
export function operationCost(
  schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined, model: CostModel,
): number | null {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null;
  return getComplexity({
    schema, query: document, variables, operationName: operation.name?.value,
    estimators: [costEstimator(model)],
  });
}

/** The arguments whose values the cost rule reads (besides directives' `if`). */
const COSTED_ARGUMENTS = new Set(['first', 'last', 'representations', 'ids', 'orderBy']);

/**
 * The variables the cost of `document`'s operations can depend on: those inside a `first`, `last`,
 * `representations`, `ids` or `orderBy` argument, or inside a directive's arguments (`@skip(if: $x)`
 * removes what it skips from the count). Every other variable (a slug, a filter) leaves the cost as
 * it is.
 */
export function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (args: readonly ArgumentNode[] | undefined, all: boolean) => {
    for (const arg of args ?? []) {
      if (all || COSTED_ARGUMENTS.has(arg.name.value)) visit(arg.value, { Variable: (variable) => { names.add(variable.name.value); } });
    }
  };
  visit(document, {
    Field: (field) => collect(field.arguments, false),
    Directive: (directive) => collect(directive.arguments, true),
  });
  return [...names].sort();
}

/** How many costs `CostMemo` keeps per document: one per distinct value of its costed variables. */
const COSTS_PER_DOCUMENT = 64;

/**
 * `operationCost`, remembered per parsed document (Apollo's document cache hands the same document
 * object to every request with that text), operation, and the values of the variables the cost
 * depends on (`costVariables`): the article read by slug costs the same for every slug, so it is
 * estimated once. Variables are still checked against the operation on every request.
 */
export class CostMemo {
  private readonly documents = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();

  constructor(private readonly model: CostModel) {}

  cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number | null {
    if (getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors) return null;
    let entry = this.documents.get(document);
    if (!entry) this.documents.set(document, entry = { variables: costVariables(document), costs: new Map() });
    const key = JSON.stringify([operation.name?.value ?? null, ...entry.variables.map((name) => variables?.[name] ?? null)]);
    let cost = entry.costs.get(key);
    if (cost === undefined) {
      cost = operationCost(schema, document, operation, variables, this.model)!;
      if (entry.costs.size >= COSTS_PER_DOCUMENT) entry.costs.clear();
      entry.costs.set(key, cost);
    }
    return cost;
  }
}
