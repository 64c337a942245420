import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';

const SCHEMA_DIR = join(__dirname, '..', '..', 'schema');

/** Every enum of the SDL (schema/*.graphql), by name, with its values in the order written. */
export function sdlEnums(): Map<string, string[]> {
  const enums = new Map<string, string[]>();
  for (const file of readdirSync(SCHEMA_DIR).filter((name) => name.endsWith('.graphql'))) {
    for (const definition of parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')).definitions) {
      if (definition.kind === Kind.ENUM_TYPE_DEFINITION) enums.set(definition.name.value, (definition.values ?? []).map((value) => value.name.value));
    }
  }
  return enums;
}
