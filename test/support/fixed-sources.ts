import { SourceUnavailableError } from '../../src/sources/errors';
import type {
  ExternalItem, RemotePageRequest, RemoteSources, ServedPage, SourceHealth, SourceInfo,
} from '../../src/sources/source';

/** One source of `FixedSources`: who it is, its items newest first, and whether it counts them. */
export interface FixedSource {
  info: SourceInfo;
  items: ExternalItem[];
  /** Whether its pages say `totalCount` (default true). */
  counts?: boolean;
}

/**
 * `RemoteSources` over fixed lists, paged by offset (the adapter cursor is the offset as text).
 * A test can make a source fail (`failing`) or serve its pages stale (`stale`); `requests` records
 * every page asked for, in order.
 */
export class FixedSources implements RemoteSources {
  readonly failing = new Set<string>();
  readonly stale = new Set<string>();
  readonly requests: { sourceId: string; request: RemotePageRequest }[] = [];
  /** `maxAgeSeconds` of each fresh page. */
  maxAgeSeconds = 20;
  readonly fetchedAt = new Date('2026-11-29T12:00:00Z');

  constructor(readonly sources: FixedSource[]) {}

  list(): SourceInfo[] {
    return this.sources.map((source) => source.info);
  }

  async page(sourceId: string, request: RemotePageRequest): Promise<ServedPage> {
    this.requests.push({ sourceId, request });
    const source = this.sources.find((candidate) => candidate.info.id === sourceId);
    if (!source) throw new Error(`no source ${sourceId}`);
    if (this.failing.has(sourceId)) throw new SourceUnavailableError(sourceId, 'timeout', `${sourceId} did not answer in time`);
    const offset = request.cursor === null ? 0 : Number(request.cursor);
    const end = offset + request.size;
    const stale = this.stale.has(sourceId);
    return {
      page: {
        items: source.items.slice(offset, end),
        next: end < source.items.length ? String(end) : null,
        ...(source.counts === false ? {} : { totalCount: source.items.length }),
      },
      fetchedAt: this.fetchedAt,
      stale,
      maxAgeSeconds: stale ? 0 : this.maxAgeSeconds,
    };
  }

  health(sourceId: string): SourceHealth {
    const down = this.failing.has(sourceId);
    return {
      state: down ? 'DOWN' : 'UP',
      lastSuccessAt: this.fetchedAt,
      lastError: down ? { at: this.fetchedAt, message: `${sourceId} did not answer in time` } : null,
      latencyP50Ms: 12,
      latencyP99Ms: 80,
      itemsCached: this.sources.find((source) => source.info.id === sourceId)?.items.length ?? 0,
    };
  }

  async close(): Promise<void> {}
}

/** An item of `sourceId`, with what a test does not care about filled in. */
export function item(sourceId: string, remoteId: string, publishedAt: string | null, extra: Partial<ExternalItem> = {}): ExternalItem {
  return {
    sourceId, remoteId,
    headline: `${sourceId} story ${remoteId}`,
    standfirst: `What happened in ${remoteId}.`,
    url: `https://${sourceId}.example/${remoteId}`,
    publishedAt: publishedAt === null ? null : new Date(publishedAt),
    authorNames: ['A. Writer'],
    language: 'en',
    tags: [],
    placeHints: [],
    ...extra,
  };
}

/** Three sources, each newest first (undated last), with a tie across two of them and places given as ISO codes and names. */
export function threeSources(): FixedSources {
  const wire: ExternalItem[] = [
    item('wire', 'w1', '2026-11-20T10:00:00Z', { placeHints: ['PK'] }),
    item('wire', 'w2', '2026-11-18T08:00:00Z', { placeHints: ['pk-ba'] }),
    item('wire', 'w3', '2026-11-15T00:00:00Z', { tags: ['Floods'] }),
    item('wire', 'w4', '2026-11-12T00:00:00Z', { placeHints: ['IN'] }),
    item('wire', 'w5', '2026-11-10T00:00:00Z'),
    item('wire', 'w6', '2026-11-03T00:00:00Z'),
    item('wire', 'w7', '2026-10-30T00:00:00Z'),
  ];
  const feed: ExternalItem[] = [
    item('feed', 'f1', '2026-11-21T00:00:00Z'),
    item('feed', 'f2', '2026-11-18T08:00:00Z', { placeHints: ['quetta'] }),
    item('feed', 'f3', '2026-11-11T00:00:00Z', { placeHints: ['Atlantis'] }),
    item('feed', 'f4', '2026-11-01T00:00:00Z'),
    item('feed', 'f5', null),
  ];
  const partner: ExternalItem[] = [
    item('partner', 'p1', '2026-11-22T00:00:00Z'),
    item('partner', 'p2', '2026-11-19T00:00:00Z', { placeHints: ['Balochistan'] }),
    item('partner', 'p3', '2026-11-14T00:00:00Z'),
    item('partner', 'p4', '2026-11-09T00:00:00Z'),
    item('partner', 'p5', '2026-11-02T00:00:00Z'),
    item('partner', 'p6', '2026-10-01T00:00:00Z'),
  ];
  const info = (id: string, kind: 'graphql' | 'rest' | 'feed') => ({ id, name: `The ${id}`, kind, url: `https://${id}.example`, licence: `© ${id}` });
  return new FixedSources([
    { info: info('wire', 'rest'), items: wire },
    { info: info('feed', 'feed'), items: feed },
    { info: info('partner', 'graphql'), items: partner, counts: false },
  ]);
}
