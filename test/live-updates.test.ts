import pino from 'pino';
import { LiveUpdates } from '../src/live/live-updates';
import { MemoryFigureEvents } from '../src/live/memory-events';
import { loadCodedArticle } from '../src/seed/worked-example';
import type { ContentStore } from '../src/store/store';
import { openTestStore } from './support/stores';

/*
 * `LiveUpdates` without a socket: what a subscription is told, and what it keeps for a client that
 * does not read (src/live/live-updates.ts).
 */

const PUBLIC = { unpublished: false };
const silent = pino({ level: 'silent' });

let t: Awaited<ReturnType<typeof openTestStore>>;
let balochistan: string;
let figureIds: string[];

beforeAll(async () => {
  t = await openTestStore('pglite');
  await loadCodedArticle(t.store);
  balochistan = (await t.store.locationsByIsoCodes(['PK-BA']))[0]!.id;
  figureIds = (await t.store.listFigures({ locationId: balochistan }, { first: 10 })).rows.map((figure) => figure.id);
});
afterAll(() => t?.dispose());

const event = (figures: string[]) => ({ figures, articles: [], placesLeft: [] });

describe('live updates', () => {
  it('keeps the latest changed figures, at most maxPendingFigures, for a client that does not read', async () => {
    expect(figureIds.length).toBeGreaterThanOrEqual(4);
    const events = new MemoryFigureEvents();
    const updates = new LiveUpdates(events, t.store, silent, { maxPendingFigures: 2 });
    const changes = updates.figureChanges(balochistan, PUBLIC);
    const first = changes.next();
    events.publish(event(figureIds.slice(0, 4)));
    const received = [(await first).value!.id, (await changes.next()).value!.id];
    expect(received).toEqual(figureIds.slice(2, 4));
    // Nothing else was kept: the next message is the next change.
    const next = changes.next();
    events.publish(event([figureIds[0]]));
    expect((await next).value!.id).toBe(figureIds[0]);
    await changes.return!();
    expect(updates.size).toBe(0);
  });

  it('answers a burst of changes to a region\'s figures with one count', async () => {
    let counts = 0;
    const counting = new Proxy(t.store, {
      get(target, name) {
        if (name === 'scoped') return (scope: never) => new Proxy(target.scoped(scope), {
          get(inner, field) {
            if (field === 'casualtyStats') return (...args: never[]) => { counts += 1; return (inner.casualtyStats as (...a: never[]) => unknown)(...args); };
            const value: unknown = Reflect.get(inner, field, inner);
            return typeof value === 'function' ? value.bind(inner) : value;
          },
        });
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as ContentStore;
    const events = new MemoryFigureEvents();
    const updates = new LiveUpdates(events, counting, silent, { statsDebounceMs: 1000 });
    const stats = updates.statsChanges(balochistan, PUBLIC, { filter: {}, groupBy: [], regionLevel: 'ADMIN1', timeBucket: 'MONTH' });
    const initial = await stats.next();
    expect(initial.value!.total.low).toBeGreaterThan(0);
    for (const id of figureIds) events.publish(event([id]));
    const after = await stats.next();
    expect(after.value!.total.low).toBe(initial.value!.total.low);
    expect(counts).toBe(2);
    await updates.close();
    expect(await stats.next()).toEqual({ value: undefined, done: true });
  });

  it('does not tell a subscription to another region', async () => {
    const events = new MemoryFigureEvents();
    const updates = new LiveUpdates(events, t.store, silent);
    const india = (await t.store.locationsByIsoCodes(['IN']))[0]!.id;
    const elsewhere = updates.figureChanges(india, PUBLIC);
    const here = updates.figureChanges(balochistan, PUBLIC);
    const nextElsewhere = elsewhere.next();
    events.publish(event([figureIds[0]]));
    expect((await here.next()).value!.id).toBe(figureIds[0]);
    await updates.close();
    expect(await nextElsewhere).toEqual({ value: undefined, done: true });
  });
});
