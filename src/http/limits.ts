import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  type DocumentNode, GraphQLError, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode, type ParseOptions,
  type ValidationRule, validate,
} from 'graphql';
import type { Context } from '../context';
import { ErrorCode, GatewayError, type MessageValues, messageOf } from '../errors';
import type { PageLimits } from '../pagination';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_EDITOR_BODY_LIMIT_BYTES } from './body';
import { CostMemo, DEFAULT_ASSUMED_LIST_SIZE } from './query-cost';
import { type SubgraphAccess, fromRouter, subgraphRefusal } from './subgraph';
import { type TrustedDocuments, untrustedDocumentError } from './trusted-documents';

/**
 * What one request may ask for. Each limit refuses a request past it before anything runs, with
 * its own `extensions.code` (and the catalogue's status, 400); a request exactly at a limit passes.
 */
export interface Limits {
  /** Request body, in bytes (BODY_SIZE_LIMIT_EXCEEDED, HTTP 400). */
  maxBodyBytes: number;
  /** Request body with an editor's or admin's key, in bytes: raw pages sent to `ingestPage` are larger than any query. */
  maxEditorBodyBytes: number;
  /** Lexical tokens in the document, counted while parsing (TOKEN_LIMIT_EXCEEDED). */
  maxTokens: number;
  /** Levels of nested fields: `{ a { b } }` is 2; `__schema` is not counted (DEPTH_LIMIT_EXCEEDED). */
  maxDepth: number;
  /** Aliased fields, fragments included; `__typename` aliases are free (ALIAS_LIMIT_EXCEEDED). */
  maxAliases: number;
  /** Directive uses, fragments included (DIRECTIVE_LIMIT_EXCEEDED). */
  maxDirectives: number;
  /** Estimated cost, by the rule of query-cost.ts (COST_LIMIT_EXCEEDED). */
  maxCost: number;
  /** In the cost: the length assumed for a list without `first`. */
  assumedListSize: number;
}

/**
 * The defaults. The README's and the playground's operations fit well inside them: the bench's
 * page of articles with their authors, places and figures (tools/bench/article-latency.ts) costs
 * 2,762 at `first: 20` and 13,802 at the maximum `first: 100`; the depth allows
 * `articles → edges → node → casualtyFigures → partOf → location → parent → name` with room to spare.
 */
export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: DEFAULT_BODY_LIMIT_BYTES,
  maxEditorBodyBytes: DEFAULT_EDITOR_BODY_LIMIT_BYTES,
  maxTokens: 2_000,
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 10,
  maxCost: 20_000,
  assumedListSize: DEFAULT_ASSUMED_LIST_SIZE,
};

/**
 * The slot for a rate limiter (per API key or client address, kept in Redis). Called once per
 * operation after every other check has passed, with the operation's estimated cost, so a limiter
 * may count cost rather than requests. Resolves to the error to refuse with (typically HTTP 429 with
 * a `Retry-After` header, set through `extensions.http`), or undefined to let the operation run.
 */
export type RateLimiter = (request: {
  contextValue: Context;
  operationName: string | null;
  cost: number;
}) => Promise<GraphQLError | undefined>;

export interface LimitsPluginOptions {
  limits: Limits;
  pagination: PageLimits;
  /** When given, only these documents run (trusted-documents mode), and the router's. */
  trustedDocuments?: TrustedDocuments;
  /** Who may call `_service` and `_entities` (./subgraph.ts). Default: anyone (tests of the limits alone). */
  subgraph?: SubgraphAccess;
  rateLimiter?: RateLimiter;
  /** The shape, cost and rate checks, when they are shared with another entrance (the WebSocket server). */
  operationLimits?: OperationLimits;
}

/**
 * `values` when every one is a whole number of at least 1; otherwise throws a TypeError naming every
 * bad one as `what`, and pointing at `defaults` for values that work.
 */
export function checkWholeNumbers<T extends object>(values: T, what: string, defaults: string): T {
  const bad = Object.entries(values).filter(([, value]) => !Number.isSafeInteger(value) || value < 1);
  if (bad.length > 0) {
    throw new TypeError(`Invalid ${what}: ${bad.map(([name, value]) => `${name} = ${value}`).join(', ')}; ` +
      `each must be a whole number of at least 1 (see ${defaults}).`);
  }
  return values;
}

/** Checks the limits once at construction (see `checkWholeNumbers`). */
export function checkLimits(limits: Limits): Limits {
  return checkWholeNumbers(limits, 'request limits', 'DEFAULT_LIMITS in src/http/limits.ts');
}

/** Apollo's `parseOptions` for these limits: graphql's parser stops past `maxTokens`. */
export function parseOptionsFor(limits: Limits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

/** graphql 16 says "more that"; a later release may fix the typo. */
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] (\d+) tokens/;

/**
 * Gives the parser's token-limit error its own code. Apollo reports every parse failure as
 * GRAPHQL_PARSE_FAILED (it overwrites any code set while parsing), so the formatted error is the
 * first place it can be told apart; a test pins the message this relies on.
 */
export function labelTokenLimit(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const limit = TOKEN_LIMIT_MESSAGE.exec(formatted.message);
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED' || !limit) return formatted;
  return {
    ...formatted,
    message: messageOf(ErrorCode.TOKEN_LIMIT_EXCEEDED, { limit: limit[1] }),
    extensions: { ...formatted.extensions, code: ErrorCode.TOKEN_LIMIT_EXCEEDED, limit: Number(limit[1]) },
  };
}

/** The limits checked once an operation is parsed and valid. */
type ShapeCode = ErrorCode.DEPTH_LIMIT_EXCEEDED | ErrorCode.ALIAS_LIMIT_EXCEEDED | ErrorCode.DIRECTIVE_LIMIT_EXCEEDED;

/** A request refused at a limit: the limit's code and status, with the limit and what was found. */
export function limitError<C extends ShapeCode | ErrorCode.COST_LIMIT_EXCEEDED>(
  code: C, values: MessageValues<C>, limit: number, found?: number,
): GraphQLError {
  return new GatewayError(code, values, { refusal: true, extensions: { limit, ...(found === undefined ? {} : { found }) } });
}

/** armor's messages read "Syntax Error: Query depth limit of 10 exceeded, found 11." */
const FOUND = /found (\d+)/;

/**
 * The shape limits (depth, aliases, directives) of a parsed, valid document, with
 * graphql-armor's rules; each rule reports through `onReject` rather than throwing, so the first
 * refusal is returned instead of escaping from `validate`. Returns that refusal, or undefined.
 */
function shapeRefusal(requestContext: OperationToCheck, limits: Limits): GraphQLError | undefined {
  const refusals: GraphQLError[] = [];
  const refuse = (code: ShapeCode, limit: number) =>
    [(_: unknown, error: GraphQLError) => {
      const found = FOUND.exec(error.message)?.[1];
      refusals.push(limitError(code, { exceeded: error.message.replace(/^Syntax Error: /, '') }, limit, found ? Number(found) : undefined));
    }];
  const rules: ValidationRule[] = [
    maxDepthRule({
      n: limits.maxDepth, propagateOnRejection: false,
      onReject: refuse(ErrorCode.DEPTH_LIMIT_EXCEEDED, limits.maxDepth),
    }),
    maxAliasesRule({
      n: limits.maxAliases, propagateOnRejection: false,
      onReject: refuse(ErrorCode.ALIAS_LIMIT_EXCEEDED, limits.maxAliases),
    }),
    maxDirectivesRule({
      n: limits.maxDirectives, propagateOnRejection: false,
      onReject: refuse(ErrorCode.DIRECTIVE_LIMIT_EXCEEDED, limits.maxDirectives),
    }) as ValidationRule,
  ];
  validate(requestContext.schema, requestContext.document, rules);
  return refusals[0];
}

/**
 * The operation's estimated cost, or a refusal when it is past `maxCost` or cannot be computed.
 * `cost: null` when there is no such operation or the variables do not fit it (Apollo refuses
 * both itself, before anything runs).
 */
function costOf(
  requestContext: OperationToCheck, limits: Limits, costs: CostMemo,
): { cost: number | null; refusal?: GraphQLError } {
  const { operation } = requestContext;
  if (!operation) return { cost: null };
  let cost: number | null;
  try {
    cost = costs.cost(requestContext.schema, requestContext.document, operation, requestContext.variables);
  } catch (error) {
    requestContext.contextValue.log.warn({ err: error }, 'could not compute the cost of an operation; refusing it');
    return { cost: null, refusal: limitError(ErrorCode.COST_LIMIT_EXCEEDED, { exceeded: 'this operation\'s cost could not be computed' }, limits.maxCost) };
  }
  if (cost !== null && cost > limits.maxCost) {
    return {
      cost,
      refusal: limitError(ErrorCode.COST_LIMIT_EXCEEDED,
        { exceeded: `the operation's estimated cost is ${cost}, more than the limit of ${limits.maxCost}` }, limits.maxCost, cost),
    };
  }
  return { cost };
}

/** A parsed, valid operation, as the limits read it: from Apollo's request context or the WebSocket server. */
export interface OperationToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** The operation to run; none when the document has no such operation (nothing will run). */
  operation: OperationDefinitionNode | null | undefined;
  variables: Record<string, unknown> | undefined;
  operationName: string | null;
  contextValue: Context;
}

/**
 * The limits every operation is held to, wherever it arrives (HTTP or WebSocket): the depth, alias
 * and directive limits, then the cost limit, then the rate limiter. Verdicts are kept with the parsed
 * document (Apollo's document cache gives every request with the same text the same object).
 */
export class OperationLimits {
  private readonly shapely = new WeakSet<DocumentNode>();
  private readonly costs: CostMemo;

  constructor(private readonly limits: Limits, pagination: PageLimits, private readonly rateLimiter?: RateLimiter) {
    this.costs = new CostMemo({ ...pagination, assumedListSize: limits.assumedListSize });
  }

  /** Resolves to the first refusal (a coded error with the limit's status), or undefined to let it run. */
  async refusal(operation: OperationToCheck): Promise<GraphQLError | undefined> {
    if (!this.shapely.has(operation.document)) {
      const shape = shapeRefusal(operation, this.limits);
      if (shape) return shape;
      this.shapely.add(operation.document);
    }
    const { cost, refusal } = costOf(operation, this.limits, this.costs);
    if (refusal) return refusal;
    if (this.rateLimiter && cost !== null) {
      return this.rateLimiter({ contextValue: operation.contextValue, operationName: operation.operationName, cost });
    }
    return undefined;
  }
}

/**
 * The Apollo plugin that refuses, once an operation is parsed and valid and before it runs: a
 * document that is not trusted (in trusted-documents mode, unless it comes from the federation
 * router), then the subgraph fields without the subgraph secret, then what `OperationLimits` refuses
 * (depth, aliases, directives, cost, rate). The first refusal is the answer (HTTP 400 and its code,
 * or the limiter's); nothing reaches a resolver, so the store sees no query. Tokens and body size are
 * refused earlier, by `parseOptionsFor` and `jsonBody`.
 */
export function limitsPlugin(options: LimitsPluginOptions): ApolloServerPlugin<Context> {
  const { limits, pagination, trustedDocuments, subgraph, rateLimiter } = options;
  const operationLimits = options.operationLimits ?? new OperationLimits(limits, pagination, rateLimiter);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          if (trustedDocuments && !trustedDocuments.has(requestContext.queryHash) && !(subgraph && fromRouter(requestContext, subgraph))) {
            throw untrustedDocumentError();
          }
          const forbidden = subgraph && subgraphRefusal(requestContext, subgraph);
          if (forbidden) throw forbidden;
          const refusal = await operationLimits.refusal({
            schema: requestContext.schema, document: requestContext.document, operation: requestContext.operation,
            variables: requestContext.request.variables, operationName: requestContext.operationName ?? null,
            contextValue: requestContext.contextValue,
          });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
