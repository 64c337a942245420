/** The benchmarks' article: one by slug with its authors, places and figures (each with its place). */
export const ARTICLE = /* GraphQL */ `
  query Article($slug: String!) {
    article(slug: $slug) {
      id headline publishedAt
      authors { name }
      locations { name isoCode }
      casualtyFigures { outcome group low best high qualifier verification claimedBy location { name } }
    }
  }`;

/**
 * The benchmarks' page of articles under a country: 20 articles with authors, places and figures
 * (each with its place and `partOf`), and the total. `withoutTotal` drops the count.
 */
export const COUNTRY_PAGE = /* GraphQL */ `
  query CountryPage($country: ID!) {
    articles(filter: { locationId: $country }, first: 20) {
      totalCount
      edges { node {
        id headline publishedAt
        authors { name }
        locations { name }
        casualtyFigures { group low best high qualifier verification claimedBy location { name } partOf { id } }
      } }
    }
  }`;

/** A query without its `totalCount`. */
export function withoutTotal(query: string): string {
  return query.replace('totalCount', '');
}
