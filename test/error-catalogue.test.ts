import { gzipSync } from 'node:zlib';
import { ERRORS, ErrorCode, type ErrorSpec } from '../src/errors';
import { startTestGateway, type TestGateway } from './support/gateway';
import { tableUnder } from './support/markdown';
import { openTestStore } from './support/stores';

/** A catalogue row of docs/errors.md: `code` | status | retryable | when | what to do. */
function documented(): Map<string, { status: string; retryable: string; when: string; action: string }> {
  return new Map(tableUnder('docs/errors.md', 'The catalogue').map(([code, status, retryable, when, action]) =>
    [code.replace(/`/g, ''), { status, retryable, when, action }]));
}

/** How docs/errors.md writes a code's status: `400`, or `400 (200 while resolving)`. */
function statusText(spec: ErrorSpec): string {
  return spec.whileResolving === undefined ? String(spec.status) : `${spec.status} (${spec.whileResolving} while resolving)`;
}

describe('the error catalogue', () => {
  it('lists in docs/errors.md every code, and only those, with its status and whether it is retryable', () => {
    const rows = documented();
    expect([...rows.keys()].sort()).toEqual(Object.values(ErrorCode).sort());
    for (const [code, spec] of Object.entries(ERRORS) as [ErrorCode, ErrorSpec][]) {
      expect({ code, status: rows.get(code)?.status, retryable: rows.get(code)?.retryable })
        .toEqual({ code, status: statusText(spec), retryable: spec.retryable ? 'yes' : 'no' });
      expect(rows.get(code)?.when).not.toBe('');
      expect(rows.get(code)?.action).not.toBe('');
    }
  });

  it('makes retryable exactly the codes that answer 429 or 503, the statuses that tell a client to come back', () => {
    const retryable = Object.entries(ERRORS).filter(([, spec]) => spec.retryable).map(([code]) => code);
    const comeBack = Object.entries(ERRORS).filter(([, spec]) => spec.status === 429 || spec.status === 503).map(([code]) => code);
    expect(retryable).toEqual(comeBack);
  });
});

describe('refusals', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let api: TestGateway;
  beforeAll(async () => {
    t = await openTestStore('pglite');
    api = await startTestGateway(t.store, { http: { limits: { maxBodyBytes: 1_000, maxDepth: 4, maxCost: 16 } } });
  });
  afterAll(async () => {
    await api?.stop();
    await t?.dispose();
  });

  const json = { 'content-type': 'application/json' };
  const query = (text: string) => JSON.stringify({ query: text });
  it.each<[string, Record<string, string>, string | Uint8Array<ArrayBuffer>, ErrorCode]>([
    ['a body that is not JSON', json, '{"query": ', ErrorCode.BAD_REQUEST],
    ['a body in Latin-1', { 'content-type': 'application/json; charset=latin1' }, query('{ __typename }'), ErrorCode.UNSUPPORTED_MEDIA_TYPE],
    ['a Content-Encoding it does not take', { ...json, 'content-encoding': 'x-nope' }, new Uint8Array(gzipSync(query('{ __typename }'))), ErrorCode.UNSUPPORTED_MEDIA_TYPE],
    ['a body past the limit', json, query(`{ __typename }${' '.repeat(1_000)}`), ErrorCode.BODY_SIZE_LIMIT_EXCEEDED],
    ['a document past the depth limit', json, query('{ articles(first: 1) { edges { node { authors { id } } } } }'), ErrorCode.DEPTH_LIMIT_EXCEEDED],
    ['a document past the cost limit', json, query('{ authors(first: 6) { edges { node { name } } } }'), ErrorCode.COST_LIMIT_EXCEEDED],
    ['text the store cannot hold', json, query('{ articles(first: 1, filter: { search: "a\\u0000b" }) { totalCount } }'), ErrorCode.BAD_USER_INPUT],
    ['a key that is not one', { ...json, authorization: 'Bearer nonsense' }, query('{ __typename }'), ErrorCode.UNAUTHENTICATED],
  ])('answers %s with its code and the catalogue\'s status', async (_, headers, body, code) => {
    const response = await fetch(api.url, { method: 'POST', headers, body });
    const answer = await response.json() as { errors: { extensions: { code: string } }[] };
    expect({ status: response.status, codes: answer.errors.map((error) => error.extensions.code) }).toEqual({ status: ERRORS[code].status, codes: [code] });
  });

  it('answers an argument refused while resolving with the status the catalogue gives it then: 200, beside the data', async () => {
    const response = await api.gql('{ authors(first: 1) { totalCount } article(id: "1", slug: "one") { id } }');
    expect(response.data).toEqual({ authors: { totalCount: 0 }, article: null });
    expect({ status: response.status, codes: response.errors!.map((error) => error.extensions!.code) })
      .toEqual({ status: ERRORS[ErrorCode.BAD_USER_INPUT].whileResolving, codes: [ErrorCode.BAD_USER_INPUT] });
  });
});
