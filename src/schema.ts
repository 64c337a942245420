import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type GraphQLSchema, parse } from 'graphql';
import { resolvers } from '../resolvers';
import { applyRequiresDirective } from './auth/requires-directive';
import { checkingRepresentations } from './federation/entities';
import { acceptingGlobalIds } from './global-ids';

export const SCHEMA_DIR = join(__dirname, '..', 'schema');

/** The SDL files, one per type family, in name order. */
export function readTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir).filter((file) => file.endsWith('.graphql')).sort()
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

/**
 * The executable schema: SDL from schema/ and resolvers from resolvers/, as an Apollo Federation 2
 * subgraph (`_service` and `_entities` added; schema/federation.graphql links the spec). Who may
 * call those two is the HTTP edge's decision (src/http/subgraph.ts). Arguments that name an entity
 * take its global id or its store id (./global-ids.ts); the role check comes first.
 */
export function buildSchema(): GraphQLSchema {
  const subgraph = buildSubgraphSchema({ typeDefs: parse(readTypeDefs().join('\n')), resolvers: resolvers as never });
  return checkingRepresentations(applyRequiresDirective(acceptingGlobalIds(subgraph)));
}
