/**
 * A JSON content API as a source (Guardian-like): the definition's `path` template is filled from our
 * arguments and page number, and the list at `<itemsPath>` is mapped into items. The cursor is the
 * next page's number, as text.
 */
import { fetchJson, sourceError } from './json';
import { countAt, mapItems, valueAtPath } from './mapping';
import type { RemotePage, RemotePageRequest, RestSourceDefinition, SourceAdapter, SourceInfo, Validators } from './source';

export class RestSource implements SourceAdapter {
  readonly info: SourceInfo;

  constructor(private readonly definition: RestSourceDefinition) {
    const { id, name, kind, url, licence } = definition;
    this.info = { id, name, kind, url, licence };
  }

  async fetchPage(request: RemotePageRequest, signal: AbortSignal, validators?: Validators): Promise<RemotePage | 'not-modified'> {
    const page = request.cursor === null ? 1 : Number(request.cursor);
    if (!Number.isSafeInteger(page) || page < 1) throw sourceError(this.info, `cursor "${request.cursor}" is not a page number`);
    const url = this.definition.url.replace(/\/+$/, '') + expandPath(this.definition.path, placeholderValues(request, page));
    const answer = await fetchJson(this.info, url, signal, { headers: this.definition.headers, validators });
    if (answer === 'not-modified') return answer;
    const list = valueAtPath(answer.body, this.definition.itemsPath);
    if (!Array.isArray(list)) throw sourceError(this.info, `malformed answer: ${this.definition.itemsPath} is not a list`);
    return {
      items: mapItems(list, this.definition.mapping, this.info),
      next: this.hasMore(answer.body, list, page, request.size) ? String(page + 1) : null,
      totalCount: countAt(answer.body, this.definition.totalPath),
      validators: answer.validators,
    };
  }

  /** With `pagesPath`, more while this page is before the last; without it, while the page is full. A path without `{page}` has one page. */
  private hasMore(body: unknown, list: unknown[], page: number, size: number): boolean {
    if (list.length === 0 || !this.definition.path.includes('{page}')) return false;
    const pages = countAt(body, this.definition.pagesPath);
    return this.definition.pagesPath === undefined ? list.length >= size : pages !== undefined && page < pages;
  }
}

/** Our arguments as the placeholders' text: dates as ISO dates (YYYY-MM-DD), absent ones undefined. */
function placeholderValues(request: RemotePageRequest, page: number): Record<string, string | undefined> {
  return {
    search: request.query.search,
    tag: request.query.tag,
    from: request.query.publishedFrom?.toISOString().slice(0, 10),
    to: request.query.publishedTo?.toISOString().slice(0, 10),
    page: String(page),
    size: String(request.size),
  };
}

/**
 * `path` with each `{name}` replaced by its URL-encoded value. A query parameter holding a
 * placeholder whose value is absent or empty is removed whole (`q={search}` without a search).
 */
export function expandPath(path: string, values: Record<string, string | undefined>): string {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
  const absent = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].some(([, name]) => !values[name]);
  const [pathname, query] = splitOnce(path, '?');
  if (query === undefined) return fill(pathname);
  const parameters = query.split('&').filter((parameter) => parameter !== '' && !absent(parameter)).map(fill);
  return parameters.length > 0 ? `${fill(pathname)}?${parameters.join('&')}` : fill(pathname);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
