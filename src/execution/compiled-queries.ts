import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema, type OperationDefinitionNode, execute } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { heapSizeOf, LRU_ENTRY_BYTES } from '../cache/heap-size';

/** One operation to run: what Apollo hands its executor once the document is parsed and valid. */
export interface Operation {
  document: DocumentNode;
  /** The operation Apollo resolved from the document and `operationName`; absent when none matched. */
  operation?: OperationDefinitionNode;
  operationName?: string | null;
  variables?: Record<string, unknown>;
  contextValue: unknown;
}

export interface CompiledQueriesOptions {
  /** How many compiled operations are kept at most (least recently used go first). Default 1,000. */
  maxEntries?: number;
  /**
   * How many bytes of memory the compiled operations may take, each charged twice its document's
   * `heapSizeOf` (src/cache/heap-size.ts), an overestimate of the generated code and its closures,
   * which also hold on to the document. Default 8 MiB (the gateway gives its document cache's budget).
   */
  maxBytes?: number;
  /**
   * How many times an operation runs on graphql-js before it is compiled. Default 1: a document sent
   * once (a one-off, literals in its text) costs no compilation, which takes longer than running it.
   */
  runsBeforeCompiling?: number;
}

/** The executions so far, by the executor that ran them (read by the metrics at each scrape). */
export interface ExecutionCounts {
  /** Ran by a query compiled with graphql-jit. */
  compiled: number;
  /** Ran by graphql-js: mutations, documents graphql-jit refused to compile, variables it refused. */
  graphqlJs: number;
}

/**
 * What a compiled query keeps on the heap per byte of its document: the generated functions, their
 * closures and, once run, their bytecode. Measured at about 3.2 bytes per byte for a small page
 * query (graphql-jit 0.8.9, Node 20); charged higher, so that the bound errs high.
 */
const COMPILED_BYTES_PER_DOCUMENT_BYTE = 5;

export const DEFAULT_COMPILED_QUERIES = { maxEntries: 1_000, maxBytes: 8 * 2 ** 20, runsBeforeCompiling: 1 } as const;

/**
 * What a document maps to: its operations by name, each with the runs it had before it was compiled,
 * and once compiled, the compiled query, or `null` when graphql-jit refused it.
 */
type Compiled = Map<string, { runs: number; query?: CompiledQuery | null }>;

/**
 * Runs queries with graphql-jit: each operation is compiled once per parsed document (Apollo's
 * document cache hands every request with the same text the same object), from its second run
 * (`runsBeforeCompiling`), into a function that
 * resolves the selection without graphql-js's per-field info objects and argument maps. Answers as
 * graphql-js would (the differential test in test/compiled-execution.test.ts holds it to that);
 * everything else runs on graphql-js: mutations (rare, and their serial execution is graphql-js's
 * contract), a document graphql-jit cannot compile, and variables it refuses (so the client gets
 * graphql-js's own messages). The compiled operations are kept in an LRU bounded in entries and bytes.
 */
export class CompiledQueries {
  private readonly compiled: LRUCache<DocumentNode, Compiled>;
  readonly counts: ExecutionCounts = { compiled: 0, graphqlJs: 0 };

  private readonly runsBeforeCompiling: number;

  constructor(private readonly schema: GraphQLSchema, options: CompiledQueriesOptions = {}) {
    const { maxEntries, maxBytes, runsBeforeCompiling } = { ...DEFAULT_COMPILED_QUERIES, ...options };
    if (!(Number.isInteger(maxEntries) && maxEntries > 0) || !(Number.isInteger(maxBytes) && maxBytes > 0)) {
      throw new Error(`compiled queries: maxEntries and maxBytes must be positive whole numbers, not ${maxEntries} and ${maxBytes}`);
    }
    if (!(Number.isInteger(runsBeforeCompiling) && runsBeforeCompiling >= 0)) {
      throw new Error(`compiled queries: runsBeforeCompiling must be a whole number of at least 0, not ${runsBeforeCompiling}`);
    }
    this.runsBeforeCompiling = runsBeforeCompiling;
    this.compiled = new LRUCache<DocumentNode, Compiled>({
      max: maxEntries,
      maxSize: maxBytes,
      sizeCalculation: (_compiled, document) => COMPILED_BYTES_PER_DOCUMENT_BYTE * heapSizeOf(document) + LRU_ENTRY_BYTES,
    });
  }

  /** How many documents are kept, with their operations compiled or the runs counted towards compiling them. */
  get size(): number {
    return this.compiled.size;
  }

  /** Runs `operation` as graphql-js's `execute` would, compiled when it is a query graphql-jit can compile. */
  async execute({ document, operation, operationName, variables, contextValue }: Operation): Promise<ExecutionResult> {
    const query = operation?.operation === 'query' ? this.compiledOf(document, operation) : null;
    if (query) {
      const result = await query.query(undefined, contextValue, variables ?? {});
      // Refused variables: no data at all. graphql-js says why in its own words.
      if (result.data !== undefined) {
        this.counts.compiled += 1;
        return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
      }
    }
    this.counts.graphqlJs += 1;
    return execute({ schema: this.schema, document, operationName, variableValues: variables, contextValue });
  }

  /** The operation compiled; `null` while it has not run `runsBeforeCompiling` times, or when graphql-jit refused it. */
  private compiledOf(document: DocumentNode, operation: OperationDefinitionNode): CompiledQuery | null {
    const name = operation.name?.value ?? '';
    let byName = this.compiled.get(document);
    if (!byName) this.compiled.set(document, byName = new Map());
    let entry = byName.get(name);
    if (!entry) byName.set(name, entry = { runs: 0 });
    if (entry.query === undefined && entry.runs++ >= this.runsBeforeCompiling) {
      entry.query = compiledOrNull(this.schema, document, operation.name?.value);
    }
    return entry.query ?? null;
  }
}

/** graphql-jit's compilation of the operation, or `null` when it refuses (returns errors or throws). */
function compiledOrNull(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
  try {
    const compiled = compileQuery(schema, document, operationName);
    return isCompiledQuery(compiled) ? compiled : null;
  } catch {
    return null;
  }
}

/**
 * graphql-jit's error as graphql-js makes it: graphql-jit's own kind has no `extensions` at all when
 * the original error had none (Apollo reads `extensions.code` of every error) and no `nodes`.
 * The original error, path and locations are kept; the extensions are the original error's, as
 * graphql-js's `locatedError` gives them.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const located = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  (located as { locations: GraphQLError['locations'] }).locations = error.locations;
  return located;
}
