import {
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLOutputType,
  getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isInterfaceType, isObjectType, isUnionType,
} from 'graphql';
import { createApiKey } from '../src/auth/api-keys';
import { buildSchema } from '../src/schema';
import { loadCodedArticle } from '../src/seed/worked-example';
import { startTestGateway, type TestGateway } from './support/gateway';
import { type Random, generator } from './support/random';
import { describeEachEngine } from './support/stores';

/**
 * Every argument of every field of the executable schema, given hostile values generated from its
 * type, sent through the real gateway as variables and as literals: no answer may be a 5xx or carry
 * INTERNAL_SERVER_ERROR, and the gateway may log nothing at error level. Replay a failure with
 * FUZZ_SEED (the seed only picks the random cases; the rest is enumerated from the schema).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_125);
/** Cases per field where every argument gets a random hostile value at once. */
const MIXED_CASES = 12;
const LIST_LENGTH = 1_000;

const schema = buildSchema();

// ---- hostile values, by type ---------------------------------------------------------------------

/** `length` characters drawn from `from` to `to` (code points of one plane, no surrogates): text no compression shrinks. */
function noise(random: Random, length: number, from: number, to: number): string {
  return String.fromCodePoint(...Array.from({ length }, () => from + random.int(to - from)));
}

const textRandom = generator(SEED);
const STRINGS = [
  '', ' ', '\t\n ', 'a\u0000b', '\u0000', '\ud800', 'x\udc00y', 'x'.repeat(100_000), noise(textRandom, 20_000, 0x21, 0x7f),
  `https://example.org/${noise(textRandom, 2_028, 0x4e00, 0x9fff)}`,
  // Within a body's 200,000 characters, more distinct words than PostgreSQL's search vector holds.
  Array.from({ length: 40_000 }, () => `${noise(textRandom, 2, 0x4e00, 0x9fff)}-${noise(textRandom, 2, 0x4e00, 0x9fff)}`).join(' ').slice(0, 200_000),
  "'", '\\', "'; DROP TABLE articles; --", '&|!():*',
  '!(a & b) | c:* <-> d', '%_', "' OR '1'='1", '"unclosed', '-', 'or', 'ñandú 😀 مرحبا', 'e\u0301\u202e\ufeff', '０１２',
];
const SCALARS: Record<string, unknown[]> = {
  String: STRINGS,
  ID: ['-1', '0', '1', '2', '99999999999', 'abc', '1.5', ' 1', '', '1e3', '9'.repeat(40), '\u0000', '\ud800'],
  Int: [0, -1, 1, 5, 100, 101, 2 ** 31 - 1, -(2 ** 31)],
  Float: [0, -0, 1e308, -1e308, 5e-324, 90.0000001, -180.5],
  Boolean: [true, false],
  DateTime: [
    '0001-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '0000-01-01T00:00:00Z', '0099-06-01T00:00:00Z', '1000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-14:00', '2026-02-30T00:00:00Z', '2026-11-24T09:30:00.123456789+05:30',
    '2026-11-24', 'garbage', '', '\u0000',
  ],
  // A router's entity references (`_entities`): good ones, bad shapes, hostile key values.
  _Any: [
    { __typename: 'Article', id: '1' }, { __typename: 'Location', isoCode: 'PK' }, { __typename: 'Location', id: '1', isoCode: 'ZZ' },
    { __typename: 'Nope', id: '1' }, { __typename: '__proto__', id: '1' }, { __typename: 'Article' }, { __typename: 'Article', id: { a: 1 } },
    { __typename: 'Article', id: '\u0000' }, { __typename: 'Location', isoCode: '\ud800' }, { __typename: 'Author', id: 'x'.repeat(100_000) },
    { __typename: 'CasualtyFigure', id: 99999999999 }, { __typename: 'Location', isoCode: "' OR '1'='1" }, 'text', 1, null, [], {},
  ],
};
const GOOD_SCALARS: Record<string, unknown> = {
  String: 'fuzz', ID: '1', Int: 1, Float: 1.5, Boolean: false, DateTime: '2026-11-24T09:30:00Z', _Any: { __typename: 'Article', id: '1' },
};
let made = 0;
/** Values by argument or field name, so that a baseline input gets past the rules to the store (names fresh each time, so slugs made from them are new). */
const GOOD_BY_NAME: Record<string, () => unknown> = {
  name: () => `Fuzz name ${made += 1}`, headline: () => `Fuzz headline ${made += 1}`, body: () => 'Fuzz body.', quote: () => 'Four people died.',
  number: () => 4, reason: () => 'Fuzz reason', key: () => 'k1', version: () => 1,
};
const CURSOR_ARGUMENTS = new Set(['after', 'before']);
/** Cursors per cursor argument: the real ones, and this many forgeries picked at random. */
const FORGED_PER_ARGUMENT = 40;
/** What a forger puts in place of one part of a real cursor. */
const FORGED_PARTS: unknown[] = [
  'x', '', 'a\u0000b', 'x\ud800', '2026-13-45T25:61:61+16:00', '2026-02-30T00:00:00+00:00', '294277-01-01T00:00:00+00:00',
  '2026-01-01 00:00:00+00', 'abc', '99999999999', -1, 5, null, { a: 1 }, ['x'],
];

/** A valid-looking value of `type`: required fields filled, and optional ones that have a value by name. */
function good(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return good(type.ofType, name);
  if (isListType(type)) return [good(type.ofType, name)];
  if (name in GOOD_BY_NAME) return GOOD_BY_NAME[name]();
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields())
      .filter((field) => isNonNullType(field.type) || field.name in GOOD_BY_NAME)
      .map((field) => [field.name, good(field.type, field.name)]));
  }
  if (isEnumType(type)) return type.getValues()[0].name;
  if (!(type.name in GOOD_SCALARS)) throw new Error(`no good value for scalar ${type.name}: add one to the fuzz test`);
  return GOOD_SCALARS[type.name];
}

/** A value small enough to repeat a thousand times in one request. */
const small = (value: unknown) => JSON.stringify(value).length <= 200;

/**
 * Hostile values for an argument or input field of `type`: every scalar's list above (cursors for
 * `after`/`before`), every enum value, lists empty, with repeats, of 1,000 items and of each hostile
 * item, input objects empty, as the baseline, and with each field hostile in turn (recursively).
 */
/** Real cursors of every list, and forgeries made from them. */
interface Cursors {
  real: string[];
  forged: string[];
}

function hostile(type: GraphQLInputType, name: string, random: Random, cursors: Cursors): unknown[] {
  if (isNonNullType(type)) return hostile(type.ofType, name, random, cursors);
  if (isListType(type)) {
    const items = hostile(type.ofType, name, random, cursors);
    const one = good(type.ofType, name);
    const smallItems = items.filter(small);
    return [[], [one, one], Array(LIST_LENGTH).fill(one), Array.from({ length: LIST_LENGTH }, () => random.pick(smallItems)),
      ...items.map((item) => [item])];
  }
  if (isInputObjectType(type)) {
    const base = () => good(type, name) as Record<string, unknown>;
    return [{}, base(), ...Object.values(type.getFields()).flatMap((field) =>
      hostile(field.type, field.name, random, cursors).map((value) => ({ ...base(), [field.name]: value })))];
  }
  if (isEnumType(type)) return type.getValues().map((value) => value.name);
  if (CURSOR_ARGUMENTS.has(name)) {
    return [...cursors.real, ...Array.from({ length: FORGED_PER_ARGUMENT }, () => random.pick(cursors.forged)), ...STRINGS.slice(0, 8)];
  }
  if (!(type.name in SCALARS)) throw new Error(`no hostile values for scalar ${type.name}: add them to the fuzz test`);
  return SCALARS[type.name];
}

// ---- operations ------------------------------------------------------------------------------------

/** `value` as a GraphQL literal of `type` (enum values bare); what the type refuses is written as is. */
function literal(value: unknown, type: GraphQLInputType): string {
  if (value === null || value === undefined) return 'null';
  if (isNonNullType(type)) return literal(value, type.ofType);
  if (isListType(type)) return Array.isArray(value) ? `[${value.map((item) => literal(item, type.ofType)).join(', ')}]` : literal(value, type.ofType);
  if (isInputObjectType(type) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = type.getFields();
    return `{ ${Object.entries(value).map(([field, item]) => `${field}: ${fields[field] ? literal(item, fields[field].type) : JSON.stringify(item)}`).join(', ')} }`;
  }
  if (isEnumType(type) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  return jsonLiteral(value);
}

/** A JSON value as a GraphQL literal (for a scalar that takes any JSON, such as `_Any`). */
function jsonLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonLiteral).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{ ${Object.entries(value).map(([key, item]) => `${key}: ${jsonLiteral(item)}`).join(', ')} }`;
  return JSON.stringify(value);
}

const guarded = (field: GraphQLField<unknown, unknown>) => field.astNode?.directives?.some((d) => d.name.value === 'requires') ?? false;

/** A selection of `type` `depth` levels deep: leaf fields, and object fields that take no arguments; each member of a union. */
function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (!isObjectType(named) && !isInterfaceType(named) && !isUnionType(named)) return '';
  if (depth === 0) return '{ __typename }';
  if (isUnionType(named)) {
    return `{ __typename ${named.getTypes().map((member) => `... on ${member.name} ${selection(member, depth - 1)}`).join(' ')} }`;
  }
  const fields = Object.values(named.getFields()).filter((field) => field.args.length === 0 && !guarded(field))
    .map((field) => `${field.name} ${selection(field.type, depth - 1)}`);
  return `{ __typename ${fields.join(' ')} }`;
}

/** Nests `inner` inside the fields of `path` (each a field with its arguments). */
const wrap = (path: string[], inner: string) => path.reduceRight((body, segment) => `${segment} { ${body} }`, inner);

/** A field that takes arguments, and the type it belongs to. */
interface Target {
  owner: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
}

const ROOTS = [schema.getQueryType()!, schema.getMutationType()!];
/** Reads first, so that they run on the seeded store; then the writes. */
// Subscriptions run over WebSocket only (refused over HTTP with BAD_REQUEST): their arguments are
// checked in test/subscriptions.test.ts.
const TARGETS: Target[] = Object.values(schema.getTypeMap())
  .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__') && type !== schema.getSubscriptionType())
  .sort((a, b) => Number(a === schema.getMutationType()) - Number(b === schema.getMutationType()))
  .flatMap((owner) => Object.values(owner.getFields()).filter((field) => field.args.length > 0).map((field) => ({ owner, field })));

/**
 * Ways from the query root to objects of `target`, shortest first: fields without arguments, or
 * whose required arguments take a good value (optional ones left out).
 */
function pathsTo(target: GraphQLObjectType, maxDepth = 4): string[][] {
  const found: string[][] = [];
  let frontier: { type: GraphQLObjectType; path: string[] }[] = [{ type: schema.getQueryType()!, path: [] }];
  for (let depth = 0; depth < maxDepth && frontier.length > 0; depth += 1) {
    const next: typeof frontier = [];
    for (const { type, path } of frontier) {
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        if (!isObjectType(named) || guarded(field)) continue;
        const required = field.args.filter((arg) => isNonNullType(arg.type));
        const args = required.length ? `(${required.map((arg) => `${arg.name}: ${literal(good(arg.type, arg.name), arg.type)}`).join(', ')})` : '';
        const step = { type: named, path: [...path, `${field.name}${args}`] };
        if (named === target) found.push(step.path);
        next.push(step);
      }
    }
    frontier = next;
  }
  return found;
}

function hasLongList(value: unknown): boolean {
  if (Array.isArray(value)) return value.length >= LIST_LENGTH || value.some(hasLongList);
  return value !== null && typeof value === 'object' && Object.values(value).some(hasLongList);
}

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } | null;
  text: string;
}

describeEachEngine('schema-driven fuzzing', (ctx) => {
  let api: TestGateway;
  let admin: Record<string, string>;
  const cursors: Cursors = { real: [], forged: [] };
  /** The path from the root to objects of each type that has fields with arguments. */
  const reach = new Map<GraphQLObjectType, string[]>();

  async function send(query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(api.url, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: Answer['body'] = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Reported as a failure below: every answer must be JSON.
    }
    return { status: response.status, body, text };
  }

  beforeAll(async () => {
    const { store } = ctx();
    await loadCodedArticle(store);
    admin = { authorization: `Bearer ${(await createApiKey(store, 'Fuzzer', 'admin')).key}` };
    // Limits out of the way, so that hostile values reach the resolvers rather than a limit.
    api = await startTestGateway(store, {
      http: { limits: { maxBodyBytes: 64 * 2 ** 20, maxTokens: 10_000_000, maxCost: 1e12, maxDepth: 20, maxAliases: 100 } },
    });

    for (const { owner } of TARGETS) {
      if (ROOTS.includes(owner) || reach.has(owner)) continue;
      for (const path of pathsTo(owner)) {
        const probe = await send(`{ ${wrap(path, '__typename')} }`, undefined);
        if (probe.text.includes(`"__typename":"${owner.name}"`)) {
          reach.set(owner, path);
          break;
        }
      }
    }

    // A real cursor from every list, in every ordering, and forgeries of each.
    for (const { owner, field } of TARGETS) {
      const after = field.args.find((arg) => arg.name === 'after');
      if (!after || owner === schema.getMutationType()) continue;
      const orders = field.args.filter((arg) => isEnumType(getNamedType(arg.type)))
        .flatMap((arg) => (getNamedType(arg.type) as any).getValues().map((value: { name: string }) => `, ${arg.name}: ${value.name}`));
      for (const order of orders.length ? orders : ['']) {
        const path = owner === schema.getQueryType() ? [] : reach.get(owner)!;
        const answer = await send(`{ ${wrap(path, `${field.name}(first: 1${order}) { pageInfo { endCursor } }`)} }`, undefined);
        const found = /"endCursor":"([^"]+)"/.exec(answer.text)?.[1];
        if (found) cursors.real.push(found);
      }
    }
    expect(cursors.real.length).toBeGreaterThanOrEqual(6);
    // Forgeries, whatever the format: each part of each real cursor replaced, one dropped, one added.
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    cursors.forged = cursors.real.flatMap((cursor) => {
      const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!Array.isArray(parts)) return [encode(parts)];
      return [parts.slice(1), parts.slice(0, -1), [...parts, 'more'],
        ...parts.flatMap((_, i) => FORGED_PARTS.map((part) => parts.map((old, j) => (i === j ? part : old))))].map(encode);
    });
    cursors.forged.push(encode(['x', 'y']), encode([]), encode({}), encode('x'), encode([[[[[[[['deep']]]]]]]]), 'not a cursor', '%%%', '');
  });
  afterAll(() => api?.stop());

  for (const { owner, field } of TARGETS) {
    it(`finds no internal error in ${owner.name}.${field.name}(${field.args.map((arg) => arg.name).join(', ')})`, async () => {
      const random = generator(SEED + TARGETS.findIndex((target) => target.field === field));
      const mutation = owner === schema.getMutationType();
      const path = ROOTS.includes(owner) ? [] : reach.get(owner);
      expect(path).toBeDefined();
      const select = selection(field.type, mutation ? 1 : 2);
      const baseline = Object.fromEntries(field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => [arg.name, good(arg.type, arg.name)]));
      const hostiles = new Map(field.args.map((arg) => [arg, hostile(arg.type, arg.name, random, cursors)]));
      const cases: { what: string; args: Record<string, unknown> }[] = [];
      for (const [arg, values] of hostiles) {
        values.forEach((value, i) => cases.push({ what: `${arg.name} #${i}`, args: { ...baseline, [arg.name]: value } }));
      }
      for (let i = 0; i < MIXED_CASES; i += 1) {
        cases.push({ what: `mixed #${i}`, args: Object.fromEntries([...hostiles].map(([arg, values]) => [arg.name, random.pick(values.filter(small))])) });
      }

      const failures: string[] = [];
      /** Answers of operations that ran (HTTP 200): the hostile values reached the resolvers, not only a refusal at the edge. */
      let executed = 0;
      const argumentOf = (name: string) => field.args.find((arg) => arg.name === name) as GraphQLArgument;
      for (const { what, args } of cases) {
        const names = Object.keys(args);
        const call = (list: string) => `${field.name}${list ? `(${list})` : ''} ${select}`;
        const forms: [string, string, Record<string, unknown> | undefined][] = [
          ['variables', `${mutation ? 'mutation' : 'query'} Fuzz${names.length ? `(${names.map((name, i) => `$v${i}: ${argumentOf(name).type}`).join(', ')})` : ''} { ${wrap(path!, call(names.map((name, i) => `${name}: $v${i}`).join(', ')))} }`,
            Object.fromEntries(names.map((name, i) => [`v${i}`, args[name]]))],
          ['literal', `${mutation ? 'mutation' : 'query'} { ${wrap(path!, call(names.map((name) => `${name}: ${literal(args[name], argumentOf(name).type)}`).join(', ')))} }`, undefined],
        ];
        // A thousand items written out as literals add nothing to the same items as variables but parsing time.
        for (const [form, query, variables] of hasLongList(args) ? forms.slice(0, 1) : forms) {
          const logged = api.logs.length;
          const headers = mutation || what.startsWith('mixed') && random.int(2) === 0 ? admin : {};
          const answer = await send(query, variables, headers);
          if (answer.status === 200) executed += 1;
          const internal = answer.body?.errors?.filter((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR') ?? [];
          const errorLogs = api.logs.slice(logged).filter((line) => line.level >= 50);
          if (answer.status >= 500 || !answer.body || internal.length > 0 || errorLogs.length > 0) {
            failures.push(`${what} as ${form}: ${JSON.stringify(args).slice(0, 300)} -> HTTP ${answer.status} ` +
              `${answer.text.slice(0, 300)} ${errorLogs.map((line) => `[logged: ${line.msg}: ${line.err?.message}]`).join(' ')}`);
          }
        }
      }
      expect(failures.slice(0, 10)).toEqual([]);
      expect(executed).toBeGreaterThan(cases.length / 4);
    }, 300_000);
  }
});
