import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers';
import { applyRequiresDirective } from './auth/requires-directive';

export const SCHEMA_DIR = join(__dirname, '..', 'schema');

/** The SDL files, one per type family, in name order. */
export function readTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir).filter((file) => file.endsWith('.graphql')).sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

/** The executable schema: SDL from schema/ and resolvers from resolvers/. */
export function buildSchema(): GraphQLSchema {
  return applyRequiresDirective(makeExecutableSchema({ typeDefs: readTypeDefs(), resolvers: resolvers as never }));
}
