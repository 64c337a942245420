/**
 * A sources file naming one source of each kind, as the README's example does: `meridian` (GraphQL,
 * the fake's `stories` connection), `broadsheet` (REST, Guardian-like paging) and `harbour` (a feed).
 * `settings` (timeoutMs, ttlSeconds, staleSeconds, budgetPerMinute, …) apply to all three.
 */
export function threeSourcesFile(urls: { graphql: string; rest: string; feed: string }, settings: Record<string, number>): string {
  const common = Object.entries(settings).map(([key, value]) => `    ${key}: ${value}\n`).join('');
  return `
sources:
  - id: meridian
    name: Meridian Wire
    kind: graphql
    url: ${urls.graphql}/graphql
    licence: Meridian terms
${common}    document: |
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
    mapping: { remoteId: id, headline: title, standfirst: summary, url: link, publishedAt: published, authorNames: byline, tags: tags, placeHints: country }
  - id: broadsheet
    name: The Broadsheet
    kind: rest
    url: ${urls.rest}
    licence: Broadsheet terms
${common}    path: /search?q={search}&page={page}&page-size={size}
    itemsPath: response.results
    pagesPath: response.pages
    totalPath: response.total
    mapping: { remoteId: id, headline: webTitle, standfirst: fields.trailText, url: webUrl, publishedAt: webPublicationDate, authorNames: fields.byline }
  - id: harbour
    name: Harbour Wire
    kind: feed
    url: ${urls.feed}
    licence: Harbour Wire, headlines used with permission
${common}`;
}
