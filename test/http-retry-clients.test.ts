import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { ServerError } from '@apollo/client/errors';
import { RetryLink } from '@apollo/client/link/retry';
import { Client, type CombinedError, fetchExchange } from '@urql/core';
import { retryExchange } from '@urql/exchange-retry';
import { ClientRateLimiter } from '../src/http/rate-limit';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';

/*
 * A refused operation as Apollo Client 4 and urql meet it: the real clients, over real HTTP, against
 * a gateway whose budget (in process, for a two-second window) fits one operation. Each test has a limiter
 * of its own, so each starts on a fresh budget.
 */

/** 1 + totalCount once for the connection: 2 points, the whole budget. */
const AUTHORS = 'query Authors { authors { totalCount } }';
const BUDGET = { publicPoints: 2, windowSeconds: 2 };

const t = gatewaysOverWorkedExample();
const limiters: ClientRateLimiter[] = [];
afterAll(() => Promise.all(limiters.map((limiter) => limiter.close())));

/** A gateway with a budget of its own. */
function gatewayWithBudget(): Promise<TestGateway> {
  const limiter = new ClientRateLimiter(BUDGET);
  limiters.push(limiter);
  return t.gateway({ http: { rateLimiter: limiter.limit } });
}

/** `fetch`, recording the status of every answer and when it was asked for. */
function recordingFetch() {
  const calls: { status: number; at: number }[] = [];
  const recording: typeof fetch = async (input, init) => {
    const at = performance.now();
    const response = await fetch(input, init);
    calls.push({ status: response.status, at });
    return response;
  };
  return { calls, fetch: recording };
}

it('answers a refusal with 429, Retry-After and RATE_LIMITED as application/json, even to a client preferring graphql-response+json', async () => {
  const api = await gatewayWithBudget();
  const ask = () => fetch(api.url, {
    method: 'POST',
    // Apollo Client 4's Accept header.
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json,application/json;q=0.9' },
    body: JSON.stringify({ query: AUTHORS }),
  });
  const answered = await ask();
  expect(answered.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  const refused = await ask();
  expect(refused.status).toBe(429);
  expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect([1, 2]).toContain(retryAfter);
  expect((await refused.json()).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter });
});

describe('Apollo Client 4', () => {
  it('sees a refusal as a ServerError with status 429, which RetryLink retries after Retry-After, and then gets the answer', async () => {
    const api = await gatewayWithBudget();
    const { calls, fetch } = recordingFetch();
    const seen: unknown[] = [];
    const retry = new RetryLink({
      delay: (_count, _operation, error) => {
        seen.push(error);
        const seconds = ServerError.is(error) ? Number(error.response.headers.get('retry-after')) : NaN;
        return Number.isFinite(seconds) ? seconds * 1000 : 300;
      },
      attempts: { max: 3 },
    });
    const client = new ApolloClient({
      link: ApolloLink.from([retry, new HttpLink({ uri: api.url, fetch })]),
      cache: new InMemoryCache(),
    });
    const query = gql(AUTHORS);
    expect((await client.query({ query, fetchPolicy: 'network-only' })).data).toEqual({ authors: { __typename: 'AuthorConnection', totalCount: 1 } });
    expect((await client.query({ query, fetchPolicy: 'network-only' })).data).toEqual({ authors: { __typename: 'AuthorConnection', totalCount: 1 } });

    expect(calls.map((call) => call.status)).toEqual([200, 429, 200]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(ServerError);
    expect(seen[0]).toMatchObject({ statusCode: 429 });
    expect(JSON.parse((seen[0] as ServerError).bodyText).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Retried no sooner than Retry-After said (timers may fire a millisecond early).
    const retryAfter = Number((seen[0] as ServerError).response.headers.get('retry-after'));
    expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(retryAfter * 1000 - 10);
  });
});

describe('urql', () => {
  it('sees a refusal as a GraphQL error with the 429 response, which the retry exchange retries when retryIf says so', async () => {
    const api = await gatewayWithBudget();
    const { calls, fetch } = recordingFetch();
    const seen: CombinedError[] = [];
    const client = new Client({
      url: api.url,
      fetch,
      preferGetMethod: false,
      requestPolicy: 'network-only',
      exchanges: [
        retryExchange({
          // The default retries network errors only; a refusal's body is a GraphQL error.
          retryIf: (error) => {
            seen.push(error);
            return error.response?.status === 429;
          },
          initialDelayMs: 2000, // the longest Retry-After of a two-second window
          randomDelay: false,
          maxNumberAttempts: 3,
        }),
        fetchExchange,
      ],
    });
    expect((await client.query(AUTHORS, {}).toPromise()).data).toEqual({ authors: { totalCount: 1 } });
    const retried = await client.query(AUTHORS, {}).toPromise();
    expect(retried.error).toBeUndefined();
    expect(retried.data).toEqual({ authors: { totalCount: 1 } });

    expect(calls.map((call) => call.status)).toEqual([200, 429, 200]);
    expect(seen).toHaveLength(1);
    expect(seen[0].networkError).toBeUndefined();
    expect(seen[0].graphQLErrors.map((error) => error.extensions.code)).toEqual(['RATE_LIMITED']);
    expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(Number(seen[0].response.headers.get('retry-after')) * 1000 - 10);
  });
});
