/** A ready operation, opened as a tab of its own when a browser first opens the playground. */
export interface PlaygroundExample {
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * The playground's first tabs, in order; the first is the one shown. Each must stay valid against
 * the schema and within the default limits (test/http-playground.test.ts checks both), and should
 * answer something on the seeded store (`npm start`).
 */
export const PLAYGROUND_EXAMPLES: PlaygroundExample[] = [
  {
    query: `# An app's article page: exactly the fields it shows.
# Run it with the pink button or Ctrl-Enter.
query ArticlePage($slug: String!) {
  article(slug: $slug) {
    headline
    standfirst
    publishedAt # null: the source gives no date
    language
    wordCount
    tags
    authors { name }
    locations { name kind isoCode }
    casualtyFigures {
      id
      outcome
      group
      low
      best
      high
      qualifier
      claimedBy
      claimantType
      verification
      quote
      location { name }
      partOf { id }
    }
  }
}
`,
    variables: { slug: 'pakistan-targets-balochistan-separatists-after-widespread-attacks-kill-dozens' },
  },
  {
    query: `# A region's figures: the region and everything below it. Sum only the figures whose
# partOf is null; the parts are counted inside them. location(isoCode:) gives the id to filter on
# (Balochistan is "4" in the seeded store).
query RegionFigures($region: ID!) {
  location(isoCode: "PK-BA") {
    id
    name
    ancestors { name }
    children { name kind }
  }
  casualtyFigures(
    filter: { locationId: $region, outcomes: [KILLED], verification: [CONFIRMED, REPORTED] }
    first: 50
  ) {
    totalCount
    edges {
      node {
        group
        low
        best
        high
        qualifier
        claimedBy
        claimantType
        verification
        location { name kind }
        partOf { id group }
      }
    }
  }
}
`,
    variables: { region: '4' },
  },
  {
    query: `# A dashboard: the latest articles, each with its killed figures and who claims them.
# Page on with after: pageInfo.endCursor.
query Dashboard($first: Int = 10, $after: String) {
  articles(orderBy: UPDATED_AT_DESC, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        headline
        publishedAt
        authors { name }
        locations { name }
        casualtyFigures(filter: { outcomes: [KILLED] }) {
          group
          low
          best
          qualifier
          claimedBy
          verification
          partOf { id }
        }
      }
    }
  }
}
`,
  },
  {
    query: `# Our articles and every remote source's items in one list, newest first, with provenance.
# A source that is down leaves its items out and adds one SOURCE_UNAVAILABLE error; the rest
# still answers. sources gives each source's health as the request began: a failure this run
# meets shows there on the next run. (Remote sources come from SOURCES_FILE.)
query News($first: Int = 10, $after: String) {
  news(first: $first, after: $after) {
    totalCount
    totalCountIsLowerBound
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        headline
        url
        publishedAt
        authorNames
        places { name }
        source { id name licence }
        ... on ExternalArticle { fetchedAt stale }
      }
    }
  }
  sources { id kind health { state lastSuccessAt lastError { message } } }
}
`,
  },
  {
    query: `# A live dashboard: each figure of Balochistan (and below) as it is added or changed.
# Runs over a WebSocket to this same URL; leave it running and add a figure with a mutation
# (an editor's key in the headers tab) to see it arrive. docs/subscriptions.md has the details.
subscription LiveRegion($region: ID!) {
  casualtyFigureChanged(regionId: $region) {
    id
    outcome
    group
    low
    best
    high
    verification
    retractedAt
    location { name }
    article { headline }
  }
}
`,
    variables: { region: '4' },
  },
];
