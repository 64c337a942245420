import pino from 'pino';
import type { HttpEdgeOptions } from '../../src/http/edge';
import { createGateway, type Gateway } from '../../src/server';
import type { ContentStore } from '../../src/store/store';

export interface GraphQLResponse<Data = any> {
  status: number;
  headers: Headers;
  data?: Data;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
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

/** Starts the real HTTP gateway over `store` on a free loopback port, with the HTTP edge's options. */
export async function startTestGateway(
  store: ContentStore,
  options: { production?: boolean; maxPageSize?: number; requestTimeoutMs?: number; shutdownTimeoutMs?: number; http?: HttpEdgeOptions } = {},
): Promise<TestGateway> {
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
