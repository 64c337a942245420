/**
 * The sources file (`SOURCES_FILE`, YAML or JSON): read and checked once at start into the
 * `SourceDefinition`s the adapters are built from. Every problem is reported at once, each with its
 * place in the file (`sources[2].timeoutMs: …`) and what to do. Header values name environment
 * variables, whose values never appear in a message.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Kind, OperationTypeNode, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config-error';
import type { SourceDefinition, SourceProtections } from './source';

/** What each source gets when the file leaves a protection out. */
export const SOURCE_DEFAULTS: SourceProtections = {
  timeoutMs: 2_000,
  ttlSeconds: 60,
  staleSeconds: 600,
  budgetPerMinute: 120,
  concurrency: 4,
};

/** Our arguments a GraphQL document's variables are filled from. */
export const GRAPHQL_ARGUMENTS = ['search', 'tag', 'from', 'to', 'cursor', 'size'] as const;

/** The placeholders a REST path may use; `page` and `size` always have a value, so only they may stand outside the query string. */
export const REST_PLACEHOLDERS = ['search', 'tag', 'from', 'to', 'page', 'size'] as const;
const ALWAYS_GIVEN = new Set(['page', 'size']);

/** Thrown when the sources file cannot be read or is invalid; its message lists every problem at once. */
export class SourcesFileError extends ConfigError {
  constructor(readonly file: string, problems: string[]) {
    super(problems);
    this.name = 'SourcesFileError';
    this.message = `Invalid sources file ${file}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n` +
      'Fix these entries (see docs/federation.md) and start again.';
  }
}

const whole = (min: number, max: number, unit: string) =>
  z.number({ error: `must be a whole number of ${unit} from ${min} to ${max}` }).int().min(min).max(max);

const dottedPath = z.string({ error: 'must be a dotted path such as fields.headline or tags.*.name' })
  .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be a dotted path such as fields.headline or tags.*.name');

/** A header value: literal text in which `${NAME}` is replaced by that environment variable, or `{ env: NAME }`. */
const headerValue = z.union([
  z.string().max(8_192),
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
], { error: 'must be text (with ${NAME} for an environment variable) or { env: NAME }' });

const FIELD_MAPPING = z.strictObject({
  remoteId: dottedPath.optional(),
  headline: dottedPath,
  standfirst: dottedPath.optional(),
  url: dottedPath,
  publishedAt: dottedPath.optional(),
  authorNames: dottedPath.optional(),
  language: dottedPath.optional(),
  tags: dottedPath.optional(),
  placeHints: dottedPath.optional(),
}, { error: 'must map at least headline and url to dotted paths in one item' });

const BASE = {
  id: z.string({ error: 'must be a short slug (a-z, 0-9, -)' }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a short slug (a-z, 0-9, -)').max(40),
  name: z.string({ error: 'must be the source\'s display name' }).trim().min(1, 'must be the source\'s display name').max(200),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  licence: z.string({ error: 'must give the licence or attribution text the source asks for' }).trim()
    .min(1, 'must give the licence or attribution text the source asks for').max(1_000),
  headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name'), headerValue).default({}),
  timeoutMs: whole(1, 60_000, 'milliseconds').default(SOURCE_DEFAULTS.timeoutMs),
  ttlSeconds: whole(1, 86_400, 'seconds').default(SOURCE_DEFAULTS.ttlSeconds),
  staleSeconds: whole(0, 7 * 86_400, 'seconds').default(SOURCE_DEFAULTS.staleSeconds),
  budgetPerMinute: whole(1, 100_000, 'requests').default(SOURCE_DEFAULTS.budgetPerMinute),
  concurrency: whole(1, 256, 'requests').default(SOURCE_DEFAULTS.concurrency),
};

const GRAPHQL = z.strictObject({
  ...BASE,
  kind: z.literal('graphql'),
  document: z.string({ error: 'must be the GraphQL query that selects the items' }).min(1).max(100_000),
  variables: z.record(z.string(), z.enum(GRAPHQL_ARGUMENTS, { error: `must be one of our arguments: ${GRAPHQL_ARGUMENTS.join(', ')}` })).default({}),
  itemsPath: dottedPath,
  nextCursorPath: dottedPath.optional(),
  hasNextPath: dottedPath.optional(),
  totalPath: dottedPath.optional(),
  mapping: FIELD_MAPPING,
});

const REST = z.strictObject({
  ...BASE,
  kind: z.literal('rest'),
  path: z.string({ error: 'must be a path template starting with / such as /search?q={search}&page={page}' })
    .regex(/^\/\S*$/, 'must be a path template starting with / such as /search?q={search}&page={page}'),
  itemsPath: dottedPath,
  totalPath: dottedPath.optional(),
  pagesPath: dottedPath.optional(),
  mapping: FIELD_MAPPING,
});

const FEED = z.strictObject({ ...BASE, kind: z.literal('feed') });

const SOURCE = z.discriminatedUnion('kind', [GRAPHQL, REST, FEED], { error: 'must be graphql, rest or feed' });
const FILE = z.strictObject({ sources: z.array(z.unknown(), { error: 'must be a list of sources' }) },
  { error: 'must be a mapping with one key, sources: a list of sources' });

type ParsedSource = z.infer<typeof SOURCE>;

/**
 * Reads and checks the sources file at `path` (`.yaml`, `.yml` or `.json`), taking header values
 * from `env`. Throws a SourcesFileError naming every problem of every source; an empty list is no sources.
 */
export function loadSourceDefinitions(path: string, env: NodeJS.ProcessEnv): SourceDefinition[] {
  const raw = readSourcesFile(path);
  const file = FILE.safeParse(raw);
  if (!file.success) throw new SourcesFileError(path, file.error.issues.map((issue) => describeIssue(issue, raw, [])));
  const problems: string[] = [];
  const seen = new Map<unknown, number>();
  const definitions = file.data.sources.flatMap((entry, index) => {
    const place = `sources[${index}]`;
    const id = (entry as { id?: unknown } | null)?.id;
    const first = seen.get(id);
    if (typeof id === 'string' && first !== undefined) problems.push(`${place}.id: "${id}" is already the id of sources[${first}]; give each source its own id`);
    else seen.set(id, index);
    const source = SOURCE.safeParse(entry);
    if (!source.success) {
      problems.push(...source.error.issues.map((issue) => describeIssue(issue, entry, ['sources', index])));
      return [];
    }
    return [checkSource(source.data, place, env, problems)];
  });
  if (problems.length > 0) throw new SourcesFileError(path, problems);
  return definitions;
}

function readSourcesFile(path: string): unknown {
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new SourcesFileError(path, [`SOURCES_FILE must name a .yaml, .yml or .json file (got "${extension || 'no extension'}")`]);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SourcesFileError(path, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check SOURCES_FILE`]);
  }
  if (extension === '.json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SourcesFileError(path, [`is not JSON: ${(error as Error).message}`]);
    }
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new SourcesFileError(path, document.errors.map((error) => `is not YAML: ${error.message.split('\n')[0]}`));
  }
  return document.toJS();
}

/** One zod issue at `prefix` in the file as `place: what is wrong (got value)`; values under `headers` are never shown. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown, prefix: PropertyKey[]): string {
  const place = placeOf([...prefix, ...issue.path]);
  if (issue.code === 'unrecognized_keys') {
    const many = issue.keys.length > 1;
    return `${place || 'the file'}: ${issue.keys.map((key) => `"${key}"`).join(', ')} ${many ? 'are not fields' : 'is not a field'} here; remove or correct ${many ? 'them' : 'it'}`;
  }
  if (issue.path.includes('headers')) return `${place}: ${issue.message}`;
  const value = valueAt(raw, issue.path);
  if (value === undefined) return `${place || 'the file'}: is missing; it ${issue.message}`;
  const shown = value === null || typeof value !== 'object' ? ` (got ${JSON.stringify(value).slice(0, 80)})` : '';
  return `${place || 'the file'}: ${issue.message}${shown}`;
}

function placeOf(path: PropertyKey[]): string {
  return path.map((key, index) => typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`).join('');
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Checks what the schema cannot (env variables, the document's variables, the path's placeholders) into `problems`. */
function checkSource(source: ParsedSource, place: string, env: NodeJS.ProcessEnv, problems: string[]): SourceDefinition {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source.headers)) {
    const names = typeof value === 'string' ? [...value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]) : [value.env];
    const missing = names.filter((variable) => env[variable] === undefined || env[variable] === '');
    if (missing.length > 0) {
      problems.push(`${place}.headers.${name}: names ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not set; set ${missing.length > 1 ? 'them' : 'it'} in the environment`);
      continue;
    }
    headers[name] = typeof value === 'string' ? value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => env[variable]!) : env[value.env]!;
  }
  if (source.kind === 'graphql') checkGraphqlDocument(source, place, problems);
  if (source.kind === 'rest') checkRestPath(source.path, place, problems);
  return { ...source, headers } as SourceDefinition;
}

function checkGraphqlDocument(source: Extract<ParsedSource, { kind: 'graphql' }>, place: string, problems: string[]): void {
  let document: DocumentNode;
  try {
    document = parse(source.document);
  } catch (error) {
    problems.push(`${place}.document: is not GraphQL: ${(error as Error).message.split('\n')[0]}`);
    return;
  }
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0].operation !== OperationTypeNode.QUERY) {
    problems.push(`${place}.document: must hold exactly one query operation (found ${operations.map((operation) => operation.operation).join(', ') || 'none'})`);
    return;
  }
  const declared = new Map(operations[0].variableDefinitions?.map((definition) => [definition.variable.name.value, definition]) ?? []);
  for (const name of Object.keys(source.variables)) {
    if (!declared.has(name)) problems.push(`${place}.variables.${name}: the document declares no $${name}; map only the variables it declares (${[...declared.keys()].map((key) => `$${key}`).join(', ') || 'none'})`);
  }
  for (const [name, definition] of declared) {
    if (definition.type.kind !== Kind.NON_NULL_TYPE || definition.defaultValue) continue;
    const argument = source.variables[name];
    if (argument === undefined) {
      problems.push(`${place}.variables: the document requires $${name}; map it to one of ${GRAPHQL_ARGUMENTS.join(', ')}`);
    } else if (argument !== 'size') {
      problems.push(`${place}.variables.${name}: the document requires $${name}, but ${argument} is often absent; make $${name} nullable or give it a default`);
    }
  }
}

function checkRestPath(path: string, place: string, problems: string[]): void {
  const [pathname] = path.split('?');
  for (const match of path.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1];
    if (!(REST_PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(`${place}.path: {${name}} is not a placeholder; use ${REST_PLACEHOLDERS.map((known) => `{${known}}`).join(', ')}`);
    } else if (!ALWAYS_GIVEN.has(name) && match.index! < pathname.length) {
      problems.push(`${place}.path: {${name}} may be absent, so it belongs in the query string (name={${name}}), which is dropped when it is`);
    }
  }
}
