/**
 * Sources files (docs/federation.md) over the test upstreams of ./upstreams and ./feed-upstream, as
 * an operator would write them: one entry builder per kind, and the file they make.
 */

/** What an entry may set beyond its kind's fields (each omitted one takes the gateway's default). */
export interface EntryOptions { timeoutMs?: number; staleSeconds?: number; ttlSeconds?: number; budgetPerMinute?: number }

function protections(options: EntryOptions): string {
  return Object.entries(options).map(([name, value]) => `\n    ${name}: ${value}`).join('');
}

/** `meridian`, a GraphQL source over `startGraphqlUpstream` at `base`. */
export function graphqlEntry(base: string, options: EntryOptions = {}): string {
  return `
  - id: meridian
    name: Meridian Wire
    kind: graphql
    url: ${base}/graphql
    licence: Meridian terms${protections(options)}
    document: |
      query News($q: String, $after: String, $first: Int) {
        stories(query: $q, after: $after, first: $first) {
          edges { node { id title summary link published byline country tags } }
          pageInfo { endCursor hasNextPage }
          totalCount
        }
      }
    variables: { q: search, after: cursor, first: size }
    itemsPath: stories.edges.*.node
    nextCursorPath: stories.pageInfo.endCursor
    hasNextPath: stories.pageInfo.hasNextPage
    totalPath: stories.totalCount
    mapping: { remoteId: id, headline: title, standfirst: summary, url: link, publishedAt: published, authorNames: byline, tags: tags, placeHints: country }`;
}

/** `broadsheet`, a REST source over `startRestUpstream` at `base`. */
export function restEntry(base: string, options: EntryOptions = {}): string {
  return `
  - id: broadsheet
    name: The Broadsheet
    kind: rest
    url: ${base}
    licence: Broadsheet terms${protections(options)}
    path: /search?q={search}&page={page}&page-size={size}
    itemsPath: response.results
    pagesPath: response.pages
    totalPath: response.total
    mapping: { remoteId: id, headline: webTitle, standfirst: fields.trailText, url: webUrl, publishedAt: webPublicationDate, authorNames: fields.byline }`;
}

/** `harbour`, a feed source over a `startFeedUpstream` feed at `url`. */
export function feedEntry(url: string, options: EntryOptions = {}): string {
  return `
  - id: harbour
    name: Harbour Wire
    kind: feed
    url: ${url}
    licence: Harbour Wire, headlines used with permission${protections(options)}`;
}

/** The sources file of `entries`, in order. */
export function sourcesFile(...entries: string[]): string {
  return `sources:${entries.join('')}\n`;
}
