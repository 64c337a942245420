import { type OperationDefinitionNode, parse } from 'graphql';
import { CostMemo, costVariables, operationCost } from '../src/http/query-cost';
import { buildSchema } from '../src/schema';

const MODEL = { defaultPageSize: 20, maxPageSize: 100, assumedListSize: 10 };
const PAGE = /* GraphQL */ `
  query Page($first: Int, $place: ID, $withFigures: Boolean!, $slug: String!) {
    articles(first: $first, filter: { locationId: $place }) {
      edges { node { headline casualtyFigures @include(if: $withFigures) { low } } }
    }
    article(slug: $slug) { headline }
  }`;

describe('the cost kept per document', () => {
  const schema = buildSchema();
  const document = parse(PAGE);
  const operation = document.definitions[0] as OperationDefinitionNode;

  it('depends only on the variables in `first`, `last`, `representations`, `ids` and directives', () => {
    expect(costVariables(document)).toEqual(['first', 'withFigures']);
    expect(costVariables(parse('query($l: Int, $ids: [ID!]!, $a: String) { articles(last: $l, before: $a) { totalCount } nodes(ids: $ids) { id } }')))
      .toEqual(['ids', 'l']);
  });

  it('answers what the estimator computes, whatever order the variables come in', () => {
    const memo = new CostMemo(MODEL);
    const cases = [
      { first: 5, place: '1', withFigures: true, slug: 'a' },
      { first: 5, place: '2', withFigures: true, slug: 'b' },
      { first: 50, place: '2', withFigures: true, slug: 'b' },
      { first: 50, place: '2', withFigures: false, slug: 'c' },
      { first: null, place: null, withFigures: false, slug: 'c' },
      { first: 5, place: '1', withFigures: true, slug: 'a' },
    ];
    const costs = cases.map((variables) => memo.cost(schema, document, operation, variables));
    expect(costs).toEqual(cases.map((variables) => operationCost(schema, document, operation, variables, MODEL)));
    expect(new Set(costs).size).toBe(4);
  });

  it('still refuses variables that do not fit the operation', () => {
    const memo = new CostMemo(MODEL);
    expect(memo.cost(schema, document, operation, { first: 5, withFigures: true, slug: 'a' })).toBeGreaterThan(0);
    expect(memo.cost(schema, document, operation, { first: 5, withFigures: true })).toBeNull();
    expect(memo.cost(schema, document, operation, { first: 'five', withFigures: true, slug: 'a' })).toBeNull();
  });

  it('charges a list ranked by relevance as the largest page, and keeps its cost apart', () => {
    const ranked = parse(/* GraphQL */ `
      query Ranked($order: ArticleOrder, $ids: [ID!]) {
        articles(first: 5, orderBy: $order, filter: { search: "flood", ids: $ids }) { edges { node { headline } } }
      }`);
    const rankedOperation = ranked.definitions[0] as OperationDefinitionNode;
    expect(costVariables(ranked)).toEqual(['order']);
    const memo = new CostMemo(MODEL);
    const newest = memo.cost(schema, ranked, rankedOperation, { order: 'PUBLISHED_AT_DESC', ids: ['1', '2'] });
    const relevance = memo.cost(schema, ranked, rankedOperation, { order: 'RELEVANCE', ids: ['1', '2'] });
    expect(newest).toBe(1 + 5 * 3);
    expect(relevance).toBe(1 + MODEL.maxPageSize * 3);
    expect(memo.cost(schema, ranked, rankedOperation, { order: 'PUBLISHED_AT_DESC', ids: Array.from({ length: 100 }, (_, i) => String(i)) }))
      .toBe(newest);
  });
});
