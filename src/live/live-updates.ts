import type { Logger } from '../logger';
import type { CasualtyFigureRecord, ReadScope, StatsQuery, StatsResult } from '../store/records';
import type { ContentStore } from '../store/store';
import type { FigureEvent, FigureEvents } from './events';

export interface LiveUpdatesOptions {
  /**
   * How long a region's statistics wait after the first change before they are counted again, in
   * milliseconds: every change in that interval is counted in the same answer. Default 200.
   */
  statsDebounceMs?: number;
  /**
   * How many changed figures one subscription keeps for a client that reads slower than they change;
   * past it, the oldest are dropped (the client hears of them at their next change). Default 256.
   */
  maxPendingFigures?: number;
}

export const DEFAULT_STATS_DEBOUNCE_MS = 200;
export const DEFAULT_MAX_PENDING_FIGURES = 256;

/** Every status: to find where a changed figure stands, whoever may see it. */
const EVERY_STATUS: ReadScope = { unpublished: true };

/** One open subscription, as the hub sees it. */
interface Listener {
  regionId: string;
  /** Told of the figures of the region an event changed (possibly none), and that the region was touched. */
  touched(figureIds: string[]): void;
  end(): void;
}

/**
 * The subscriptions of this process: for each event (./events.ts), one look at where the changed
 * figures stand (their places and those places' ancestors, as `location_paths` has them: the tree
 * `CasualtyFilter.locationId` reads), then each subscription to a region the event touched is told.
 * What a subscriber is sent is read when it is sent, in the subscriber's scope, by the store's own
 * rules (`figuresByIds`, `casualtyStats`): the public never sees a figure `casualtyFigures` hides.
 *
 * `reader` must be the store itself, not a cache in front of it: an event reports a write just
 * committed, which another instance's cache may not have heard of yet.
 *
 * Memory is bounded per subscription: a figure subscription keeps at most `maxPendingFigures` ids
 * for a slow client (merging repeated changes of one figure), a statistics subscription one flag.
 */
export class LiveUpdates {
  private readonly listeners = new Set<Listener>();
  private readonly stopListening: () => void;
  private readonly statsDebounceMs: number;
  private readonly maxPendingFigures: number;

  constructor(private readonly events: FigureEvents, private readonly reader: ContentStore, private readonly log: Logger,
    options: LiveUpdatesOptions = {}) {
    this.statsDebounceMs = options.statsDebounceMs ?? DEFAULT_STATS_DEBOUNCE_MS;
    this.maxPendingFigures = options.maxPendingFigures ?? DEFAULT_MAX_PENDING_FIGURES;
    this.stopListening = events.listen((event) => { void this.dispatch(event); });
  }

  /** Subscriptions open in this process. */
  get size(): number {
    return this.listeners.size;
  }

  /** Whether events from other instances reach this one (see `FigureEvents.connected`). */
  get connected(): boolean {
    return this.events.connected;
  }

  /**
   * The figures of region `regionId` (and below) as they stand after each change, those `scope` may
   * see only; a figure changed again before the client read it is sent once, as it then stands.
   */
  figureChanges(regionId: string, scope: ReadScope): AsyncIterableIterator<CasualtyFigureRecord> {
    const reader = this.reader.scoped(scope);
    const pending = new Set<string>();
    const ready: CasualtyFigureRecord[] = [];
    const max = this.maxPendingFigures;
    return this.stream(regionId, async (wait) => {
      while (ready.length === 0) {
        if (pending.size === 0 && !(await wait())) return null;
        const ids = [...pending];
        pending.clear();
        ready.push(...(await reader.figuresByIds(ids)).filter((figure): figure is CasualtyFigureRecord => figure !== null));
      }
      return ready.shift()!;
    }, (figureIds) => {
      for (const id of figureIds) {
        pending.delete(id);
        pending.add(id);
        if (pending.size > max) pending.delete(pending.values().next().value!);
      }
      return figureIds.length > 0;
    });
  }

  /**
   * The statistics of `query` (its `locationId` is the region), counted at once, then again after
   * each change to the region's figures: every change within `statsDebounceMs` of the first is
   * counted in one answer.
   */
  statsChanges(regionId: string, scope: ReadScope, query: StatsQuery): AsyncIterableIterator<StatsResult> {
    const reader = this.reader.scoped(scope);
    const counted: StatsQuery = { ...query, filter: { ...query.filter, locationId: regionId } };
    let first = true;
    return this.stream(regionId, async (wait) => {
      if (!first) {
        if (!(await wait())) return null;
        await new Promise((resolve) => setTimeout(resolve, this.statsDebounceMs));
      }
      first = false;
      return reader.casualtyStats(counted);
    }, () => true);
  }

  /** Ends every subscription (at shutdown): their clients are told they are complete. */
  async close(): Promise<void> {
    this.stopListening();
    for (const listener of [...this.listeners]) listener.end();
  }

  /**
   * An iterator over what `produce` makes: `produce` gets `wait`, which resolves true once an event
   * touched the region since it was last called (at once if one already had), false once the
   * subscription ended; `produce` resolves to null to end. `accept` says whether an event's figures
   * concern this subscription (and keeps them).
   */
  private stream<T>(regionId: string, produce: (wait: () => Promise<boolean>) => Promise<T | null>,
    accept: (figureIds: string[]) => boolean): AsyncIterableIterator<T> {
    let touched = false;
    let ended = false;
    let wake: ((more: boolean) => void) | null = null;
    const listener: Listener = {
      regionId,
      touched: (figureIds) => {
        if (!accept(figureIds)) return;
        touched = true;
        wake?.(true);
        wake = null;
      },
      end: () => {
        ended = true;
        this.listeners.delete(listener);
        wake?.(false);
        wake = null;
      },
    };
    this.listeners.add(listener);
    const wait = () => {
      if (ended) return Promise.resolve(false);
      if (touched) {
        touched = false;
        return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => { wake = (more) => { touched = false; resolve(more); }; });
    };
    const done = { value: undefined, done: true } as const;
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        if (ended) return done;
        const value = await produce(wait);
        if (value === null || ended) return done;
        return { value, done: false };
      },
      return: async () => {
        listener.end();
        return done;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Tells each subscription to a region `event` touched; a store fault loses the event, with a warning. */
  private async dispatch(event: FigureEvent): Promise<void> {
    if (this.listeners.size === 0) return;
    let reach: { figuresIn: (regionId: string) => string[]; touches: (regionId: string) => boolean };
    try {
      reach = await this.reachOf(event);
    } catch (err) {
      this.log.warn({ err, figures: event.figures.length, articles: event.articles.length },
        'live updates: could not read where changed figures stand; their subscribers miss this change');
      return;
    }
    for (const listener of [...this.listeners]) {
      if (reach.touches(listener.regionId)) listener.touched(reach.figuresIn(listener.regionId));
    }
  }

  /**
   * Where `event`'s figures stand (its figures, and every figure of its articles), with every place
   * above: which figures are in a region, and whether the event touched it (a figure in it changed,
   * or one left it). Three reads, whatever the number of subscriptions.
   */
  private async reachOf(event: FigureEvent) {
    const reader = this.reader.scoped(EVERY_STATUS);
    const [figures, ofArticles] = await Promise.all([
      reader.figuresByIds(event.figures),
      reader.figuresOfArticles(event.articles, { includeRetracted: true }),
    ]);
    const changed = new Map<string, string | null>();
    for (const figure of [...figures, ...ofArticles.flat()]) if (figure) changed.set(figure.id, figure.locationId);
    const places = [...new Set([...changed.values(), ...event.placesLeft].filter((id): id is string => id !== null))];
    const ancestors = await reader.ancestorsOf(places);
    const within = new Map(places.map((place, i) => [place, new Set([place, ...ancestors[i].map((above) => above.id)])]));
    const touched = new Set([...within.values()].flatMap((set) => [...set]));
    return {
      touches: (regionId: string) => touched.has(regionId),
      figuresIn: (regionId: string) => [...changed].filter(([, place]) => place !== null && within.get(place)!.has(regionId)).map(([id]) => id),
    };
  }
}
