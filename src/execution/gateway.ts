import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { type GraphQLSchema, printSchema } from 'graphql';
import type { CompiledQueries } from './compiled-queries';

export type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/**
 * Apollo Server's way to run operations with an executor of our own: a "gateway" that serves one
 * fixed schema and hands every operation (parsed, validated, with its request's context, after the
 * plugins' `executionDidStart`) to `queries`. Apollo Server 5 has no executor option for a plain
 * schema; everything around execution (plugins, errors, formatting) stays Apollo's. Apollo Server
 * is patched for this mode (patches/@apollo+server+5.5.1.patch): the context it builds per request
 * for a gateway kept the whole request alive through young-generation collections.
 */
export function executingGateway(schema: GraphQLSchema, queries: CompiledQueries): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return {
        executor: (requestContext) => queries.execute({
          document: requestContext.document,
          operation: requestContext.operation,
          operationName: requestContext.request.operationName,
          variables: requestContext.request.variables,
          contextValue: requestContext.context,
        }),
      };
    },
    async stop() {},
  };
}
