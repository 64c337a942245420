/**
 * One request to a source that answers JSON (the GraphQL and REST kinds), and the error every
 * adapter rejects with.
 */
import { fetchFromSource } from './http';
import type { SourceInfo, Validators } from './source';

/** The error an adapter rejects with: the source named first, the cause kept. */
export function sourceError(info: SourceInfo, message: string, cause?: unknown): Error {
  return new Error(`source "${info.id}": ${message}`, cause === undefined ? undefined : { cause });
}

/**
 * One request to a JSON source through fetchFromSource, its answer parsed. Rejects with a
 * sourceError for every failure but the caller's abort, which rejects as fetch does.
 */
export async function fetchJson(info: SourceInfo, url: string, signal: AbortSignal, options: {
  headers: Record<string, string>; method?: 'GET' | 'POST'; body?: string; validators?: Validators;
}): Promise<{ body: unknown; validators?: Validators } | 'not-modified'> {
  let response: Awaited<ReturnType<typeof fetchFromSource>>;
  try {
    response = await fetchFromSource(url, { ...options, headers: { accept: 'application/json', ...options.headers }, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw sourceError(info, (error as Error).message, error);
  }
  if (response === 'not-modified') return response;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch (error) {
    throw sourceError(info, `malformed answer: not JSON (${(error as Error).message})`, error);
  }
  const { etag, lastModified } = response.validators;
  return { body, validators: etag || lastModified ? response.validators : undefined };
}
