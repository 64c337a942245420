import { emptyReach, notingReach } from '../cache/store-tags';
import type { ContentStore } from '../store/store';
import { type FigureEvents, isEmptyEvent } from './events';

/**
 * `store`, telling `events` what each editorial write (`write`: the mutations, the import, ingestion's
 * proposals and reviews) changed, once its transaction has committed (and, over a cache, once the
 * cache dropped what it touched): subscribers then read the change. A write that fails tells nothing.
 * Stores it hands out (`scoped`) tell too. Bulk loads (seeds, the worked example) are not told.
 */
export function publishingChanges(store: ContentStore, events: FigureEvents): ContentStore {
  const write: ContentStore['write'] = async (actor, work) => {
    const reach = emptyReach();
    const result = await store.write(actor, (writer) => work(notingReach(writer, reach)));
    const event = {
      figures: [...result.changes.figures], articles: [...result.changes.articles], placesLeft: [...reach.placesLeft],
    };
    if (!isEmptyEvent(event)) events.publish(event);
    return result;
  };
  return new Proxy(store, {
    get(target, name) {
      if (name === 'write') return write;
      if (name === 'scoped') return (scope: Parameters<ContentStore['scoped']>[0]) => publishingChanges(target.scoped(scope), events);
      if (name === 'noting') {
        return target.noting && ((reads: Parameters<NonNullable<ContentStore['noting']>>[0]) => publishingChanges(target.noting!(reads), events));
      }
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
