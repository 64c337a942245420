import { ApolloServer } from '@apollo/server';
import { buildSchema, printSchema } from 'graphql';
import type { GatewayInterface } from '../src/execution/gateway';

type GatewayRequestContext = Parameters<NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>>[0];

/**
 * Apollo Server 5.5.1 as patched (patches/@apollo+server+5.5.1.patch): the response a gateway's
 * executor is handed (how newsgate's compiled executor runs, src/execution/gateway.ts) is an
 * instance of one class, not an object literal with accessors of its own, which gave every request
 * a hidden class of its own and kept the whole request alive through young-generation collections.
 */
describe('Apollo Server\'s request context for a gateway executor', () => {
  const schema = buildSchema('type Query { x: Int }');
  const seen: GatewayRequestContext[] = [];
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return {
        executor: async (requestContext) => {
          seen.push(requestContext);
          const http = requestContext.response!.http!;
          http.status = 203;
          return { data: { x: http.status } };
        },
      };
    },
    async stop() {},
  };
  const server = new ApolloServer({ gateway });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('passes the status the executor sets to the answer, and reads it back', async () => {
    const response = await server.executeOperation({ query: '{ x }' });
    expect(response.http.status).toBe(203);
    expect(response.body).toEqual({ kind: 'single', singleResult: { data: { x: 203 } } });
  });

  it('gives every request\'s response the same shape: no accessors of its own', async () => {
    await server.executeOperation({ query: '{ x }' });
    await server.executeOperation({ query: '{ x }' });
    const [a, b] = seen.slice(-2).map((context) => context.response!.http!);
    expect(Object.getOwnPropertyDescriptor(a, 'status')).toBeUndefined();
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect(typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(a), 'status')?.get).toBe('function');
    expect(a.headers).not.toBe(b.headers);
  });
});
