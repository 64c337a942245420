import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import type { Loaders } from '../src/loaders';
import type { ArticleRecord } from '../src/store/records';

/**
 * The fields named `name` selected directly in the selection sets of `fields` (through fragments and
 * inline fragments; `@skip`/`@include` are not read, so a skipped field is fetched for nothing).
 */
export function selected(fields: readonly FieldNode[], name: string, info: Pick<GraphQLResolveInfo, 'fragments'>): FieldNode[] {
  const found: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        visit(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const field of fields) visit(field.selectionSet);
  return found;
}

/**
 * Loads, before the articles' own fields run, what those fields will ask the loaders for: their
 * authors and places, their figures (the unfiltered list) and the figures' places, as far as the
 * selection `nodes` (the Article fields' nodes) asks for them. The statements are the ones the fields
 * would have batched (one per kind and wave); what changes is that the fields then find every record
 * in hand and resolve without a promise each (see `SettledLoader`). A failed load is left in the
 * loader, so the field that needs it fails as it would have without this.
 */
export async function prefetchArticles(
  articles: readonly ArticleRecord[], nodes: readonly FieldNode[], info: Pick<GraphQLResolveInfo, 'fragments'>, loaders: Loaders,
): Promise<void> {
  if (articles.length === 0 || nodes.length === 0) return;
  const wants = (name: string) => selected(nodes, name, info);
  const figureFields = wants('casualtyFigures').filter((field) => !field.arguments?.length);
  const loads: Promise<unknown>[] = [];
  if (wants('authors').length || wants('authorNames').length) {
    loads.push(loaders.authorById.loadMany(unique(articles.flatMap((article) => article.authorIds))));
  }
  const placeIds = wants('locations').length || wants('places').length ? articles.flatMap((article) => article.locationIds) : [];
  if (figureFields.length) {
    const figuresLoaded = loaders.figuresOfArticle.loadMany(articles.map((article) => ({ articleId: article.id, filter: {} })));
    const figurePlaces = selected(figureFields, 'location', info).length > 0;
    loads.push(figuresLoaded.then((lists) => {
      if (!figurePlaces) return undefined;
      const ids = lists.flatMap((list) => (list instanceof Error ? [] : list.flatMap((figure) => (figure.locationId ? [figure.locationId] : []))));
      return loaders.locationById.loadMany(unique([...placeIds, ...ids]));
    }));
  } else if (placeIds.length) {
    loads.push(loaders.locationById.loadMany(unique(placeIds)));
  }
  await Promise.all(loads);
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
