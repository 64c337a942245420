import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import type { RelatedParts } from '../src/loaders';

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
 * What the Article fields' nodes `nodes` will ask the loaders for beyond the articles themselves:
 * their authors (`authors`, `authorNames`), their places (`locations`, `places`), their figures (a
 * `casualtyFigures` without arguments: the unfiltered list), those figures' places (its
 * `location`), and their bodies (`body`, `paragraphs`: a list page's articles come without). Null
 * when they ask for none of these. Memoised per selection (`memo`, keyed by the
 * first of the field's nodes, which belong to the parsed document and live as long as it). A hint
 * only: every field still reads through the loaders, so parts read for nothing or left out cost a
 * statement, never a wrong answer.
 */
export function relatedParts(
  memo: WeakMap<FieldNode, RelatedParts | null>, fieldNodes: readonly FieldNode[], info: Pick<GraphQLResolveInfo, 'fragments'>,
  nodesOf: (fieldNodes: readonly FieldNode[]) => readonly FieldNode[] = (nodes) => nodes,
): RelatedParts | null {
  const [first] = fieldNodes;
  if (first && memo.has(first)) return memo.get(first)!;
  const nodes = nodesOf(fieldNodes);
  const wants = (name: string) => selected(nodes, name, info).length > 0;
  const figureFields = selected(nodes, 'casualtyFigures', info).filter((field) => !field.arguments?.length);
  const parts: RelatedParts = {
    authors: wants('authors') || wants('authorNames'),
    places: wants('locations') || wants('places'),
    figures: figureFields.length > 0,
    figurePlaces: selected(figureFields, 'location', info).length > 0,
    bodies: wants('body') || wants('paragraphs'),
  };
  const found = Object.values(parts).some(Boolean) ? parts : null;
  if (first) memo.set(first, found);
  return found;
}
