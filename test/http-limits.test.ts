import { GraphQLError, parse } from 'graphql';
import type { HttpEdgeOptions } from '../src/http/edge';
import { DEFAULT_LIMITS, type Limits, type RateLimiter, checkLimits } from '../src/http/limits';
import { operationCost } from '../src/http/query-cost';
import { TrustedDocuments, TrustedDocumentsError, documentHash } from '../src/http/trusted-documents';
import { buildSchema } from '../src/schema';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';

/** Posts a raw body; resolves to the status, content type and parsed JSON body. */
async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, type: response.headers.get('content-type') ?? '', headers: response.headers, body: await response.json() as any };
}

describe('abuse limits', () => {
  const t = gatewaysOverWorkedExample();

  /** A gateway with these limits (the others at their defaults), stopped after the file. */
  const gatewayWith = (http: HttpEdgeOptions = {}, production = false): Promise<TestGateway> => t.gateway({ http, production });

  /** Asserts the request was refused before anything ran: 400 (or `status`), `code`, no store query. */
  function expectRefused(response: { status: number; errors?: any[]; body?: any }, code: string, status = 400) {
    const errors = response.errors ?? response.body?.errors;
    expect({ status: response.status, codes: errors?.map((error: any) => error.extensions?.code) }).toEqual({ status, codes: [code] });
    expect(response.body?.data ?? (response as any).data).toBeUndefined();
    expect(t.db.queries).toBe(0);
  }

  beforeEach(() => t.db.reset());

  describe.each<[keyof Limits, number, string, string, string]>([
    ['maxDepth', 3, 'DEPTH_LIMIT_EXCEEDED',
      '{ articles { edges { cursor } } }',
      '{ articles { edges { node { id } } } }'],
    ['maxAliases', 2, 'ALIAS_LIMIT_EXCEEDED',
      '{ a: authors { totalCount } b: authors { totalCount } }',
      '{ a: authors { totalCount } b: authors { totalCount } c: authors { totalCount } }'],
    ['maxDirectives', 2, 'DIRECTIVE_LIMIT_EXCEEDED',
      '{ authors @include(if: true) { totalCount @skip(if: false) } }',
      '{ authors @include(if: true) { totalCount @skip(if: false) pageInfo @skip(if: false) { hasNextPage } } }'],
    // { authors { totalCount } } is six tokens; comments and whitespace are not tokens.
    ['maxTokens', 6, 'TOKEN_LIMIT_EXCEEDED',
      '{ authors { totalCount } } # a comment costs nothing',
      '{ authors { totalCount __typename } }'],
    // 1 + first × (edges 1 + node 1 + name 1): 16 at first 5, 19 at first 6.
    ['maxCost', 16, 'COST_LIMIT_EXCEEDED',
      '{ authors(first: 5) { edges { node { name } } } }',
      '{ authors(first: 6) { edges { node { name } } } }'],
  ])('%s = %i', (limit, value, code, atLimit, pastLimit) => {
    let api: TestGateway;
    beforeAll(async () => {
      api = await gatewayWith({ limits: { [limit]: value } });
    });

    it('runs an operation exactly at the limit', async () => {
      const response = await api.gql(atLimit);
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    });

    it(`refuses one past it with ${code} before the store sees a query`, async () => {
      const response = await api.gql(pastLimit);
      expectRefused(response, code);
      expect(response.errors![0].extensions).toMatchObject({ limit: value });
      expect(response.errors![0].message).not.toMatch(/^Syntax Error/);
    });
  });

  describe('maxBodyBytes = 1000', () => {
    let api: TestGateway;
    beforeAll(async () => {
      api = await gatewayWith({ limits: { maxBodyBytes: 1000 } });
    });
    /** A request body of exactly `bytes` bytes. */
    const bodyOf = (bytes: number) => {
      const bare = JSON.stringify({ query: '{ authors { totalCount } }' });
      return JSON.stringify({ query: `{ authors { totalCount } }${' '.repeat(bytes - bare.length)}` });
    };

    it('runs a body of exactly 1000 bytes', async () => {
      expect(Buffer.byteLength(bodyOf(1000))).toBe(1000);
      const response = await post(api.url, bodyOf(1000));
      expect(response.status).toBe(200);
      expect(response.body.data.authors.totalCount).toBe(1);
    });

    it('refuses 1001 bytes with 400 and a GraphQL-style JSON error', async () => {
      const response = await post(api.url, bodyOf(1001));
      expect(response.type).toMatch(/^application\/json/);
      expectRefused(response, 'BODY_SIZE_LIMIT_EXCEEDED', 400);
      expect(response.body.errors[0].message).toMatch(/larger than 1000 bytes/);
    });
  });

  it('measures the cost with lists multiplied, `first` and `last` counted and defaulted, introspection free', () => {
    const schema = buildSchema();
    const model = { defaultPageSize: 20, maxPageSize: 100, assumedListSize: 10 };
    const cost = (query: string, variables?: Record<string, unknown>) => {
      const document = parse(query);
      return operationCost(schema, document, document.definitions[0] as any, variables, model);
    };
    expect(cost('{ articles(first: 20) { edges { node { casualtyFigures { id } } } } }')).toBe(261);
    expect(cost('{ articles { edges { node { casualtyFigures { id } } } } }')).toBe(261);
    expect(cost('query($n: Int) { articles(first: $n) { edges { node { id } } } }', { n: 2 })).toBe(1 + 2 * 3);
    expect(cost('{ articles(first: 1000) { edges { node { id } } } }')).toBe(1 + 100 * 3);
    expect(cost('{ articles(first: 0) { totalCount } }')).toBe(2);
    expect(cost('{ articles { totalCount } }')).toBe(2);
    expect(cost('{ latestNews: articles(first: 5) { edges { node { id } } } }')).toBe(1 + 5 * 3);
    expect(cost('{ articles(first: 20) { totalCount edges { node { casualtyFigures { id } } } } }')).toBe(262);
    expect(cost('{ regionSummary(locationId: "4") { latestArticles(first: 5) { id } } }')).toBe(1 + 1 + 5 * 1);
    // `last` counts as `first` does, capped alike; the larger counts when a client sends both.
    expect(cost('query($n: Int) { articles(last: $n) { edges { node { id } } } }', { n: 2 })).toBe(1 + 2 * 3);
    expect(cost('{ articles(last: 1000) { edges { node { id } } } }')).toBe(1 + 100 * 3);
    expect(cost('{ authors(first: 2, last: 7) { edges { node { id } } } }')).toBe(1 + 7 * 3);
    expect(cost('{ __schema { types { fields { name } } } __typename }')).toBe(0);
    expect(cost('query($n: Int) { articles(first: $n) { totalCount } }', { n: 'many' })).toBeNull();
  });

  it('charges `totalCount` and `pageInfo` once per connection, and what each item selects once per item', () => {
    const schema = buildSchema();
    const model = { defaultPageSize: 20, maxPageSize: 100, assumedListSize: 10 };
    const cost = (query: string) => {
      const document = parse(query);
      return operationCost(schema, document, document.definitions[0] as any, undefined, model)!;
    };
    const page = (first: number) => `{ articles(first: ${first}) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id headline } } } }`;
    // 1 + n × (edges 1 + cursor 1 + node (1 + 2)) + totalCount 1 + pageInfo (1 + 2)
    expect(cost(page(100))).toBe(1 + 100 * 5 + 1 + 3);
    expect(cost(page(100)) - cost(page(99))).toBe(5);
    // A connection inside each item is charged per item, and its own totalCount once per copy.
    expect(cost(`{ articles(first: 10) { totalCount edges { node {
      authors { articles(first: 3) { totalCount pageInfo { hasNextPage } edges { node { id } } } } } } } }`))
      .toBe(1 + 10 * (1 + 1 + (1 + 10 * (1 + 3 * 3 + 1 + 2))) + 1);
    // Fragments and aliases are charged as the fields they select.
    expect(cost(`{ a: articles(first: 4) { ...page } b: articles(first: 2) { ...page } }
      fragment page on ArticleConnection { totalCount edges { node { id } } }`)).toBe((1 + 4 * 3 + 1) + (1 + 2 * 3 + 1));
  });

  it('keeps the defaults wide enough for the README dashboard query', async () => {
    const api = await gatewayWith();
    const response = await api.gql(`query BalochistanKilled {
      location(isoCode: "PK-BA") { name ancestors { name } children { name kind } }
      casualtyFigures(filter: { locationId: "4", outcome: KILLED, verification: [CONFIRMED, REPORTED] }, first: 50) {
        totalCount
        edges { node { group low best high qualifier claimedBy claimantType verification location { name kind } partOf { id group } quote } }
      }
    }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.casualtyFigures.totalCount).toBe(5);
  });

  it('checks the limits once, naming every bad one', () => {
    expect(() => checkLimits({ ...DEFAULT_LIMITS, maxDepth: 0, maxCost: 1.5 })).toThrow(/maxDepth = 0, maxCost = 1.5; each must be a whole number/);
  });

  describe('what Apollo does by default, kept on', () => {
    let api: TestGateway;
    beforeAll(async () => {
      api = await gatewayWith();
    });

    it('refuses batched requests', async () => {
      const response = await post(api.url, JSON.stringify([{ query: '{ authors { totalCount } }' }, { query: '{ authors { totalCount } }' }]));
      expectRefused(response, 'BAD_REQUEST');
      expect(response.body.errors[0].message).toMatch(/batching disabled/);
    });

    it('refuses requests a browser could send cross-site without a preflight (CSRF)', async () => {
      const get = await fetch(`${api.url}?query=${encodeURIComponent('{ authors { totalCount } }')}`);
      expectRefused({ status: get.status, body: await get.json() }, 'BAD_REQUEST');
      const form = await post(api.url, JSON.stringify({ query: '{ authors { totalCount } }' }), { 'content-type': 'text/plain' });
      expectRefused(form, 'BAD_REQUEST');
      expect(form.body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
      const preflighted = await fetch(`${api.url}?query=${encodeURIComponent('{ authors { totalCount } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(preflighted.status).toBe(200);
    });

    it('gives a GET answer an ETag, and a POST answer none (no conditional POST exists)', async () => {
      const got = await fetch(`${api.url}?query=${encodeURIComponent('{ authors { totalCount } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(got.status).toBe(200);
      expect(got.headers.get('etag')).toMatch(/^W\/".+"$/);

      const posted = await fetch(api.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ authors { totalCount } }' }),
      });
      const body = await posted.text();
      expect(posted.status).toBe(200);
      expect(JSON.parse(body)).toEqual({ data: { authors: { totalCount: expect.any(Number) } } });
      expect(posted.headers.get('etag')).toBeNull();
      expect(Number(posted.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    });

    it('refuses a body that is not JSON with a GraphQL-style error', async () => {
      const response = await post(api.url, '{"query": ');
      expect(response.type).toMatch(/^application\/json/);
      expectRefused(response, 'BAD_REQUEST');
    });
  });

  describe('in production', () => {
    let production: TestGateway;
    let development: TestGateway;
    beforeAll(async () => {
      production = await gatewayWith({}, true);
      development = await gatewayWith();
    });

    it('refuses introspection', async () => {
      const response = await production.gql('{ __schema { queryType { name } } }');
      expectRefused(response, 'GRAPHQL_VALIDATION_FAILED');
      expect((await development.gql('{ __schema { queryType { name } } }')).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    });

    it('suggests no field names', async () => {
      const misspelt = '{ artcle(slug: "x") { id } }';
      expect((await development.gql(misspelt)).errors![0].message).toMatch(/Did you mean "article"/);
      const response = await production.gql(misspelt);
      expectRefused(response, 'GRAPHQL_VALIDATION_FAILED');
      expect(response.errors![0].message).toBe('Cannot query field "artcle" on type "Query".');
    });

    it('never sends a stack trace, whatever the refusal', async () => {
      const answers = await Promise.all([
        production.gql('{ artcle { id } }'),
        production.gql('{ articles('),
        production.gql(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: authors { totalCount }`).join(' ')} }`),
        production.gql('{ articles(first: 101) { totalCount } }'),
        post(production.url, '[1, 2').then((response) => response.body),
      ]);
      expect(JSON.stringify(answers)).not.toMatch(/stacktrace|\.ts:\d|node_modules/);
      expect(JSON.stringify(await development.gql('{ artcle { id } }'))).toMatch(/stacktrace/);
    });
  });

  describe('trusted documents', () => {
    const listed = '{ authors { totalCount } }';
    let api: TestGateway;
    beforeAll(async () => {
      api = await gatewayWith({ trustedDocuments: TrustedDocuments.fromManifest({ [documentHash(listed)]: listed }) });
    });

    it('runs a listed document sent whole', async () => {
      const response = await api.gql(listed);
      expect(response.data).toEqual({ authors: { totalCount: 1 } });
    });

    it('runs a listed document sent by its id alone', async () => {
      const response = await post(api.url, JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(listed) } } }));
      expect(response.body).toEqual({ data: { authors: { totalCount: 1 } } });
    });

    it('refuses any other document with DOCUMENT_NOT_TRUSTED before the store sees a query', async () => {
      expectRefused(await api.gql('{ authors { totalCount pageInfo { hasNextPage } } }'), 'DOCUMENT_NOT_TRUSTED');
      expectRefused(await api.gql(`${listed} `), 'DOCUMENT_NOT_TRUSTED');
    });

    it('answers an unknown id with Apollo\'s PERSISTED_QUERY_NOT_FOUND and learns nothing from a client', async () => {
      const other = '{ authors { totalCount } __typename }';
      const unknown = await post(api.url, JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(other) } } }));
      expect(unknown.body.errors.map((error: any) => error.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      // The persisted-query protocol's retry, with the text: still refused, and not remembered.
      const retry = await post(api.url, JSON.stringify({ query: other, extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(other) } } }));
      expectRefused(retry, 'DOCUMENT_NOT_TRUSTED');
      const again = await post(api.url, JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(other) } } }));
      expect(again.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(t.db.queries).toBe(0);
    });

    it('reads Apollo\'s manifest format too, and refuses a manifest whose ids do not match', () => {
      const apollo = TrustedDocuments.fromManifest({
        format: 'apollo-persisted-query-manifest', version: 1,
        operations: [{ id: documentHash(listed), name: null, type: 'query', body: listed }],
      });
      expect(apollo.has(documentHash(listed))).toBe(true);
      expect(() => TrustedDocuments.fromManifest({ abc: listed }, 'ops.json')).toThrow(TrustedDocumentsError);
      expect(() => TrustedDocuments.fromManifest({ abc: listed }, 'ops.json')).toThrow(/ops.json: .*not the SHA-256.*: abc/);
      expect(() => TrustedDocuments.fromManifest([listed])).toThrow(/must be a JSON object/);
    });
  });

  describe('the rate limiter slot', () => {
    const calls: { operationName: string | null; cost: number }[] = [];
    const limiter: RateLimiter = async ({ operationName, cost }) => {
      calls.push({ operationName, cost });
      if (operationName !== 'Greedy') return undefined;
      return new GraphQLError('slow down', { extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new Map([['retry-after', '7']]) } } });
    };
    let api: TestGateway;
    beforeAll(async () => {
      api = await gatewayWith({ rateLimiter: limiter });
    });

    it('is asked after the other limits, with the cost, and its refusal is the answer', async () => {
      expect((await api.gql('query Modest { authors(first: 5) { edges { node { name } } } }')).status).toBe(200);
      const greedy = await api.gql('query Greedy { authors { totalCount } }');
      expect(greedy.status).toBe(429);
      expect(greedy.headers.get('retry-after')).toBe('7');
      expect(greedy.errors!.map((error) => error.extensions!.code)).toEqual(['RATE_LIMITED']);
      expect(calls).toEqual([{ operationName: 'Modest', cost: 16 }, { operationName: 'Greedy', cost: 2 }]);
    });
  });
});
