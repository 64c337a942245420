/**
 * What changed in a committed editorial write, told to every gateway instance so that their
 * subscriptions (./live-updates.ts) can answer it. The interface is here; the in-process adapter is
 * ./memory-events.ts, the Redis one ./redis-events.ts; `createFigureEvents` (./index.ts) picks one
 * from the configuration.
 */

/** One committed write's reach, by id: small enough to send over Redis pub/sub as it is. */
export interface FigureEvent {
  /** Figures created or updated (retractions and reviews included). */
  figures: string[];
  /** Articles changed: their status decides which of their figures the public sees. */
  articles: string[];
  /** Places figures stood at before an update moved them: those regions lose them. */
  placesLeft: string[];
}

/**
 * The bus. `publish` delivers to this process's listeners at once, whatever happens to the other
 * instances (with Redis, they hear it through pub/sub); it never rejects and never throws.
 */
export interface FigureEvents {
  publish(event: FigureEvent): void;
  /** Calls `listener` with every event, from this process and from the others; returns the way to stop. */
  listen(listener: (event: FigureEvent) => void): () => void;
  /** Whether events from other instances reach this one now: true without Redis (there are none to hear). */
  readonly connected: boolean;
  close(): Promise<void>;
}

/** Whether `value` is a `FigureEvent` (what another instance sent over Redis is checked before use). */
export function isFigureEvent(value: unknown): value is FigureEvent {
  const ids = (list: unknown) => Array.isArray(list) && list.every((id) => typeof id === 'string');
  const event = value as FigureEvent | null;
  return typeof event === 'object' && event !== null && ids(event.figures) && ids(event.articles) && ids(event.placesLeft);
}

/** Whether a write reached anything a subscription could hear of. */
export function isEmptyEvent(event: FigureEvent): boolean {
  return event.figures.length === 0 && event.articles.length === 0 && event.placesLeft.length === 0;
}
