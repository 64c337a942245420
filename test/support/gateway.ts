import pino from 'pino';
import type { HttpEdgeOptions } from '../../src/http/edge';
import { loadCodedArticle } from '../../src/seed/worked-example';
import { createGateway, type Gateway, type GatewayDependencies } from '../../src/server';
import type { ContentStore } from '../../src/store/store';
import type { RemoteSources } from '../../src/sources/source';
import { openTestStore } from './stores';

export interface GraphQLResponse<Data = any> {
  status: number;
  headers: Headers;
  data?: Data;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** Logged lines, parsed. */
  logs: Record<string, any>[];
  /** Posts one operation over real HTTP. */
  gql<Data = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  production?: boolean;
  maxPageSize?: number;
  requestTimeoutMs?: number;
  shutdownTimeoutMs?: number;
  http?: HttpEdgeOptions;
  /** The remote sources `news` lists beside the store. */
  sources?: RemoteSources;
  /** Subscriptions over WebSocket (see `createGateway`). */
  live?: GatewayDependencies['live'];
  /**
   * How queries run (`GatewayDependencies.compiledQueries`): `false` runs every one on graphql-js.
   * Default: compiled from their first run, so every test through a gateway runs the compiled path.
   */
  compiledQueries?: GatewayDependencies['compiledQueries'];
}

/** Starts the real HTTP gateway over `store` on a free loopback port, with the HTTP edge's options. */
export async function startTestGateway(store: ContentStore, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const logs: Record<string, any>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line)); } });
  const gateway = await createGateway({
    config: {
      production: options.production ?? false,
      pagination: { defaultPageSize: 20, maxPageSize: options.maxPageSize ?? 100 },
      requestTimeoutMs: options.requestTimeoutMs,
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    },
    store,
    log,
    http: options.http,
    sources: options.sources,
    live: options.live,
    compiledQueries: options.compiledQueries ?? { runsBeforeCompiling: 0 },
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    gateway, url, logs,
    async gql(query, variables, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json() as { data?: any; errors?: any };
      return { status: response.status, headers: response.headers, ...body };
    },
    stop: () => gateway.stop(),
  };
}

type TestStore = Awaited<ReturnType<typeof openTestStore>>;

/** What `gatewaysOverWorkedExample` declares: a store and the gateways started over it. */
export interface WorkedExampleGateways {
  /** The store, read and written by the tests; set once the declaring block's tests begin. */
  readonly store: TestStore['store'];
  /** Its Db, counting the statements sent. */
  readonly db: TestStore['db'];
  /** The worked example's article. */
  readonly articleId: string;
  /** Starts a gateway over the store, or over `store` (a view of it, such as a cache in front). */
  gateway(options?: TestGatewayOptions, store?: ContentStore): Promise<TestGateway>;
  /** Stops every gateway started so far; the store stays open. */
  stopGateways(): Promise<void>;
}

/**
 * Declares, in the block it is called in (a describe, or a file's top level): a PGlite store
 * holding the worked example, opened before the block's tests; after them, every gateway started
 * through it stopped, then the store closed. Hooks the block declares after this call run after
 * these.
 */
export function gatewaysOverWorkedExample(): WorkedExampleGateways {
  let opened: TestStore | undefined;
  let articleId: string | undefined;
  const started: TestGateway[] = [];
  const current = () => {
    if (!opened) throw new Error('the worked example store opens in beforeAll: use it inside hooks and tests');
    return opened;
  };
  beforeAll(async () => {
    opened = await openTestStore('pglite');
    articleId = await loadCodedArticle(opened.store);
  });
  const stopGateways = async () => {
    await Promise.all(started.splice(0).map((gateway) => gateway.stop()));
  };
  afterAll(async () => {
    await stopGateways();
    await opened?.dispose();
  });
  return {
    get store() { return current().store; },
    get db() { return current().db; },
    get articleId() { current(); return articleId!; },
    async gateway(options = {}, store = current().store) {
      const gateway = await startTestGateway(store, options);
      started.push(gateway);
      return gateway;
    },
    stopGateways,
  };
}
