/**
 * A GraphQL API as a source: the definition's `document` is POSTed with its variables filled from
 * our arguments, and the list at `data.<itemsPath>` is mapped into items. Plain fetch (through
 * http.ts) rather than an executor library, so every answer is bounded in time and bytes alike.
 */
import { buildClientSchema, getIntrospectionQuery, parse, validate, type IntrospectionQuery } from 'graphql';
import { fetchJson, sourceError } from './json';
import { countAt, mapItems, valueAtPath } from './mapping';
import type { GraphqlSourceDefinition, RemotePage, RemotePageRequest, SourceAdapter, SourceInfo, Validators } from './source';

export class GraphqlSource implements SourceAdapter {
  readonly info: SourceInfo;

  constructor(private readonly definition: GraphqlSourceDefinition) {
    const { id, name, kind, url, licence } = definition;
    this.info = { id, name, kind, url, licence };
  }

  async fetchPage(request: RemotePageRequest, signal: AbortSignal, validators?: Validators): Promise<RemotePage | 'not-modified'> {
    const answer = await this.post(this.definition.document, this.variables(request), signal, validators);
    if (answer === 'not-modified') return answer;
    const { data, validators: sent } = answer;
    const list = valueAtPath(data, this.definition.itemsPath);
    if (!Array.isArray(list)) throw sourceError(this.info, `malformed answer: data.${this.definition.itemsPath} is not a list`);
    const more = this.definition.hasNextPath === undefined || valueAtPath(data, this.definition.hasNextPath) !== false;
    const cursor = this.definition.nextCursorPath === undefined ? undefined : valueAtPath(data, this.definition.nextCursorPath);
    return {
      items: mapItems(list, this.definition.mapping, this.info),
      next: more && list.length > 0 && (typeof cursor === 'string' || typeof cursor === 'number') && cursor !== '' ? String(cursor) : null,
      totalCount: countAt(data, this.definition.totalPath),
      validators: sent,
    };
  }

  /**
   * Introspects the remote and validates the document against its schema; rejects naming every
   * mismatch (`source "x": Cannot query field "title" on type "Story".`), or saying the remote
   * refuses introspection.
   */
  async check(signal: AbortSignal): Promise<void> {
    const answer = await this.post(getIntrospectionQuery(), {}, signal).catch((error: Error) => {
      if (signal.aborted) throw error;
      const why = error.message.replace(`source "${this.info.id}": `, '');
      throw sourceError(this.info, `cannot introspect the remote's schema (${why}), so the document cannot be checked`, error);
    });
    if (answer === 'not-modified') throw sourceError(this.info, 'answered introspection with 304');
    let errors: readonly Error[];
    try {
      errors = validate(buildClientSchema(answer.data as IntrospectionQuery), parse(this.definition.document));
    } catch (error) {
      throw sourceError(this.info, `its introspection cannot be read as a schema (${(error as Error).message}); the document cannot be checked`, error);
    }
    if (errors.length > 0) {
      throw sourceError(this.info, `the document does not fit the remote's schema:\n${errors.map((error) => `  ${error.message}`).join('\n')}`);
    }
  }

  /** The document's variables, from our arguments; absent ones are left out so the document's defaults apply. */
  private variables(request: RemotePageRequest): Record<string, string | number> {
    const ours: Record<string, string | number | undefined> = {
      search: request.query.search,
      tag: request.query.tag,
      from: request.query.publishedFrom?.toISOString(),
      to: request.query.publishedTo?.toISOString(),
      cursor: request.cursor ?? undefined,
      size: request.size,
    };
    const variables: Record<string, string | number> = {};
    for (const [name, argument] of Object.entries(this.definition.variables)) {
      const value = ours[argument];
      if (value !== undefined) variables[name] = value;
    }
    return variables;
  }

  /** Resolves the answer's `data`; rejects when the answer is not a GraphQL result or has errors and no data. */
  private async post(query: string, variables: Record<string, unknown>, signal: AbortSignal, validators?: Validators) {
    const answer = await fetchJson(this.info, this.definition.url, signal, {
      method: 'POST', headers: this.definition.headers, body: JSON.stringify({ query, variables }), validators,
    });
    if (answer === 'not-modified') return answer;
    const { body } = answer;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw sourceError(this.info, 'malformed answer: not a GraphQL result');
    const { data, errors } = body as { data?: unknown; errors?: unknown };
    if (data === null || data === undefined) {
      const messages = Array.isArray(errors) ? errors.map((error) => String((error as { message?: unknown })?.message ?? error)) : [];
      throw sourceError(this.info, messages.length > 0
        ? `the remote answered with errors: ${messages.slice(0, 5).join('; ').slice(0, 1_000)}`
        : 'malformed answer: a GraphQL result without data or errors');
    }
    if (typeof data !== 'object' || Array.isArray(data)) throw sourceError(this.info, 'malformed answer: data is not an object');
    return { data, validators: answer.validators };
  }
}
