/**
 * The GraphQL endpoint's POSTs on a bare Node `http` path, in front of Express.
 *
 * A `POST /graphql` (the exact path, with or without a query string) is served here through the same
 * steps, in the same order, as Express served it: the access log and request id, CORS, the JSON body
 * by role with its refusals, then Apollo Server's `executeHTTPGraphQLRequest` (its documented
 * integration API) with the same context, and the answer written as Express's `res.send` writes it
 * (`Content-Length`) but without its `ETag`; anything thrown goes to the same last-resort handler. Every
 * other request (GETs, preflights, the landing page, health, metrics, the playground's files, other
 * paths and methods) goes to the Express app untouched. Why: Express's router, request and response
 * objects cost about a fifth of an uncached article's CPU, on the one request path that is served
 * most and has nothing to route.
 *
 * No `ETag`: a validator is only of use to a conditional request, which is a GET (`If-None-Match`
 * on a POST asks nothing of the answer, and neither browsers nor GraphQL clients send one), and it
 * cost a SHA-1 of every answer, about 2 % of an uncached list's CPU. GETs (persisted and trusted
 * documents, which a CDN or browser may revalidate) go through Express and keep Express's.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { Context } from '../context';

/** A Connect-style handler, as Express's middleware take it, on Node's own request and response. */
export type Handler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
export type ErrorHandler = (error: unknown, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** What the Express app serves beside this path; its settings (`trust proxy fn`) are this path's too. */
export type App = RequestListener & { get(setting: string): unknown };

export interface GraphQLPathOptions {
  path: string;
  apollo: ApolloServer<Context>;
  /** The steps before Apollo, in order (the access log, CORS, the body parser). */
  steps: Handler[];
  /** Turns a step's failure into an answer (the body parser's refusals), or passes it on. */
  refusals: ErrorHandler;
  /** Answers whatever nothing else did (a masked 500). */
  lastResort: ErrorHandler;
  /** The operation's context, from the request. */
  context: (req: IncomingMessage) => Promise<Context>;
}

/**
 * The server's request listener: POSTs to `options.path` served here (see the file comment),
 * everything else by `app`. It has the app's `get`, so that listeners in front of it (the response
 * cache) read the same settings.
 */
export function graphqlPath(app: App, options: GraphQLPathOptions): App {
  const { path, apollo, steps, refusals, lastResort, context } = options;

  /** Express's finalhandler for an error after the headers went: the connection is cut. */
  const cutOff = (req: IncomingMessage) => () => void req.socket.destroy();
  const fail = (error: unknown, req: IncomingMessage, res: ServerResponse) => {
    try {
      lastResort(error, req, res, cutOff(req));
    } catch {
      req.socket.destroy();
    }
  };

  const execute = async (req: IncomingMessage, res: ServerResponse) => {
    const headers = new HeaderMap();
    for (const name in req.headers) {
      const value = req.headers[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url as string;
    const query = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'POST', headers, search: query < 0 ? '' : url.slice(query), body: (req as IncomingMessage & { body?: unknown }).body,
      },
      context: () => context(req),
    });
    send(res, response);
  };

  /** Writes Apollo's answer as `expressMiddleware` and Express's `res.send` do for a POST. */
  const send = (res: ServerResponse, response: HTTPGraphQLResponse) => {
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status || 200;
    if (response.body.kind === 'chunked') return void streamChunks(res, response.body.asyncIterator);
    const type = res.getHeader('content-type');
    if (typeof type === 'string' && !/;\s*charset=/i.test(type)) res.setHeader('content-type', `${type}; charset=utf-8`);
    if (res.statusCode === 204 || res.statusCode === 205 || res.statusCode === 304) {
      res.removeHeader('content-type');
      res.removeHeader('transfer-encoding');
      if (res.statusCode === 205) res.setHeader('content-length', '0');
      else res.removeHeader('content-length');
      return void res.end();
    }
    const body = Buffer.from(response.body.string, 'utf8');
    if (res.getHeader('transfer-encoding') === undefined) res.setHeader('content-length', body.length);
    res.end(body);
  };

  const streamChunks = async (res: ServerResponse, chunks: AsyncIterable<string>) => {
    for await (const chunk of chunks) res.write(chunk);
    res.end();
  };

  /** Runs step `index` (then the next ones, then Apollo), as Express's router runs middleware. */
  const run = (index: number, req: IncomingMessage, res: ServerResponse): void => {
    if (index === steps.length) {
      execute(req, res).catch((error: unknown) => fail(error, req, res));
      return;
    }
    try {
      steps[index](req, res, (error?: unknown) => {
        if (error === undefined) return run(index + 1, req, res);
        try {
          refusals(error, req, res, (unanswered?: unknown) => fail(unanswered ?? error, req, res));
        } catch (thrown) {
          fail(thrown, req, res);
        }
      });
    } catch (error) {
      fail(error, req, res);
    }
  };

  const listener: RequestListener = (req, res) => {
    if (req.method !== 'POST' || !onPath(req.url, path)) return void app(req, res);
    run(0, req, res);
  };
  return Object.assign(listener, { get: (setting: string) => app.get(setting) });
}

/** Whether `url` is exactly `path`, with or without a query string. */
function onPath(url: string | undefined, path: string): boolean {
  if (!url?.startsWith(path)) return false;
  const rest = url.charAt(path.length);
  return rest === '' || rest === '?';
}
