import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Pool } from 'pg';
import { toGlobalId } from '../src/global-ids';
import { createPeerServer, openPeerPool } from '../tools/bench/peer';
import { ARTICLE, COUNTRY_PAGE, withoutTotal } from '../tools/bench/queries';
import { buildCorpus } from './support/corpus';
import { startTestGateway, type TestGateway } from './support/gateway';
import { TEST_DATABASE_URL, postgresAvailable } from './support/services';
import { openTestStore } from './support/stores';

/**
 * `npm run bench` reports newsgate's miss path as a ratio to the one-statement peer
 * (tools/bench/peer.ts): a ratio means something only while both answer the same. The peer's
 * `data` for the bench's two queries must equal the gateway's, on a corpus with what the public
 * must not see (a draft, a retracted figure, one awaiting review, a part of a whole awaiting
 * review), bylines out of id order and an undated article.
 */
const run = postgresAvailable() ? describe : describe.skip;

run('the bench peer', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let gateway: TestGateway;
  let pool: Pool;
  let peer: Server;
  let peerUrl: string;
  let articleIds: string[];
  let country: string;
  let province: string;

  beforeAll(async () => {
    opened = await openTestStore('postgres');
    articleIds = await buildCorpus(opened.store, 30);
    const { db } = opened;
    const [newest, second, third, fourth] = articleIds;
    await db.query(`UPDATE articles SET status = 'DRAFT' WHERE id = $1`, [Number(newest)]);
    await db.query(`UPDATE articles SET published_at = NULL WHERE id = $1`, [Number(fourth)]);
    await db.query(`UPDATE casualty_figures SET retracted_at = now(), retraction_reason = 'misread'
                     WHERE article_id = $1 AND position = 3`, [Number(second)]);
    await db.query(`UPDATE casualty_figures SET origin = 'EXTRACTED', confidence = 0.5, review_status = 'PENDING' WHERE article_id = $1 AND position = 1`, [Number(second)]);
    await db.query(`UPDATE casualty_figures SET origin = 'EXTRACTED', confidence = 0.5, review_status = 'PENDING' WHERE article_id = $1 AND position = 0`, [Number(third)]);
    const { rows } = await db.query<{ id: string; kind: string }>(
      `SELECT id::text AS id, kind FROM locations WHERE name IN ('Testland', 'Province 1')`);
    country = rows.find((row) => row.kind === 'COUNTRY')!.id;
    province = rows.find((row) => row.kind === 'ADMIN1')!.id;

    gateway = await startTestGateway(opened.store, { production: true });
    pool = openPeerPool({ databaseUrl: TEST_DATABASE_URL, databaseSchema: opened.schema });
    peer = createPeerServer(pool);
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await gateway?.stop();
    if (peer) await new Promise((resolve) => peer.close(resolve));
    await pool?.end();
    await opened?.dispose();
  });

  /** Both servers' answers to one request; throws if either has errors. */
  async function both(query: string, variables: Record<string, unknown>) {
    const fromGateway = await gateway.gql(query, variables);
    const response = await fetch(peerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const fromPeer = await response.json() as { data?: any; errors?: unknown };
    expect(fromGateway.errors).toBeUndefined();
    expect(fromPeer.errors).toBeUndefined();
    return { gateway: fromGateway.data, peer: fromPeer.data };
  }

  const slugOf = async (id: string) => (await opened.store.articlesByIds([id]))[0]!.slug;

  it('answers the bench article query as the gateway does, for every kind of article', async () => {
    for (const id of articleIds.slice(1, 8)) {
      const { gateway: expected, peer: actual } = await both(ARTICLE, { slug: await slugOf(id) });
      expect(expected.article.casualtyFigures.length).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    }
    // The second article lost two figures to retraction and review, the undated one has no date.
    const second = await both(ARTICLE, { slug: await slugOf(articleIds[1]) });
    expect(second.peer.article.casualtyFigures).toHaveLength(2);
    expect((await both(ARTICLE, { slug: await slugOf(articleIds[3]) })).peer.article.publishedAt).toBeNull();
  });

  it('answers null for a draft and an unknown slug, as the gateway does', async () => {
    const { rows } = await opened.db.query<{ slug: string }>(`SELECT slug FROM articles WHERE id = $1`, [Number(articleIds[0])]);
    for (const slug of [rows[0].slug, 'no-such-article']) {
      expect(await both(ARTICLE, { slug })).toEqual({ gateway: { article: null }, peer: { article: null } });
    }
  });

  it('answers the bench list query as the gateway does, in the same order, under a country and a province', async () => {
    for (const place of [country, province]) {
      const { gateway: expected, peer: actual } = await both(withoutTotal(COUNTRY_PAGE), { country: place });
      expect(expected.articles.edges.length).toBeGreaterThan(5);
      expect(actual).toEqual(expected);
    }
    // The undated article is last under its province.
    const { peer: provincePage } = await both(withoutTotal(COUNTRY_PAGE), { country: province });
    expect(provincePage.articles.edges.at(-1).node.id).toBe(toGlobalId('Article', articleIds[3]));
    const { peer: countryPage } = await both(withoutTotal(COUNTRY_PAGE), { country });
    expect(countryPage.articles.edges).toHaveLength(20);
    // A part whose whole awaits review names no whole, as the gateway hides it.
    const third = countryPage.articles.edges.find((edge: any) => edge.node.id === toGlobalId('Article', articleIds[2])).node;
    expect(third.casualtyFigures.map((figure: any) => figure.partOf)).toEqual([null, null, null]);
  });
});
