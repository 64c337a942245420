import { createHash } from 'node:crypto';
import { splitParagraphs } from '../src/domain/article-text';
import type { ArticleSnapshotResolvers, CasualtyFigureSnapshotResolvers } from '../src/generated/graphql';
import { toGlobalId } from '../src/global-ids';
import type {
  ArticleRecord, ArticleSnapshotModel, CasualtyFigureRecord, CasualtyFigureSnapshotModel, FigureSetModel,
} from '../src/graph-models';
import { getAll } from '../src/loaders';

/*
 * Past states as types of their own. A snapshot's `id` names the state it shows (the article's or
 * figure's version, and the versions of the article's figures then), so a normalised cache keeps
 * each past state apart from the live entity and from every other state, and shares one entry
 * between two reads of the same state.
 */

/** The figures of one moment, named by the ids and versions of the figures listed, in order. */
export function figureSet(figures: readonly CasualtyFigureRecord[]): FigureSetModel {
  const named = figures.map((figure) => `${figure.id}@${figure.version}`).join(',');
  return { figures, digest: createHash('sha256').update(named).digest('hex').slice(0, 12) };
}

/** `load`, run once, when first asked for. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/** `article`'s state, with its figures of the same moment, loaded by `figures` when first asked for. */
export function articleSnapshot(article: ArticleRecord, figures: () => Promise<readonly CasualtyFigureRecord[]>): ArticleSnapshotModel {
  return { ...article, figureSet: once(async () => figureSet(await figures())) };
}

/**
 * `figure`'s state, among its article's figures of the same moment (`figures`, loaded when first
 * asked for); `figure` takes the place of its own entry there, or joins them if it is not listed.
 */
export function figureSnapshot(figure: CasualtyFigureRecord, figures: () => Promise<readonly CasualtyFigureRecord[]>): CasualtyFigureSnapshotModel {
  return {
    ...figure,
    figureSet: once(async () => {
      const then = await figures();
      const listed = then.some((other) => other.id === figure.id);
      return figureSet(listed ? then.map((other) => (other.id === figure.id ? figure : other)) : [...then, figure]);
    }),
  };
}

/** The figures of `set` as snapshots sharing it. */
const inSet = (set: FigureSetModel, figures: readonly CasualtyFigureRecord[]): CasualtyFigureSnapshotModel[] =>
  figures.map((figure) => ({ ...figure, figureSet: async () => set }));

/** The figure of `snapshot`'s moment that `id` links to; null when none (or it was not listed then). */
async function linked(snapshot: CasualtyFigureSnapshotModel, id: string | null): Promise<CasualtyFigureSnapshotModel | null> {
  if (!id) return null;
  const set = await snapshot.figureSet();
  return inSet(set, set.figures.filter((other) => other.id === id))[0] ?? null;
}

/** The figures of `snapshot`'s moment that link to it by `link`. */
async function linking(snapshot: CasualtyFigureSnapshotModel, link: 'partOfId' | 'restatesId' | 'supersedesId') {
  const set = await snapshot.figureSet();
  return inSet(set, set.figures.filter((other) => other[link] === snapshot.id));
}

export const ArticleSnapshot: ArticleSnapshotResolvers = {
  id: async (snapshot) => `article:${toGlobalId('Article', snapshot.id)}@v${snapshot.version}.${(await snapshot.figureSet()).digest}`,
  articleId: (snapshot) => toGlobalId('Article', snapshot.id),
  article: (snapshot, _, { loaders }) => loaders.articleById.load(snapshot.id),
  paragraphs: (snapshot) => splitParagraphs(snapshot.body),
  authors: (snapshot, _, { loaders }) => getAll(loaders.authorById, snapshot.authorIds),
  locations: (snapshot, _, { loaders }) => getAll(loaders.locationById, snapshot.locationIds),
  casualtyFigures: async (snapshot) => {
    const set = await snapshot.figureSet();
    return inSet(set, set.figures);
  },
};

export const CasualtyFigureSnapshot: CasualtyFigureSnapshotResolvers = {
  id: async (snapshot) => `figure:${toGlobalId('CasualtyFigure', snapshot.id)}@v${snapshot.version}.${(await snapshot.figureSet()).digest}`,
  figureId: (snapshot) => toGlobalId('CasualtyFigure', snapshot.id),
  articleId: (snapshot) => toGlobalId('Article', snapshot.articleId),
  figure: (snapshot, _, { loaders }) => loaders.figureById.load(snapshot.id),
  location: (snapshot, _, { loaders }) => (snapshot.locationId ? loaders.locationById.get(snapshot.locationId) : null),
  partOf: (snapshot) => linked(snapshot, snapshot.partOfId),
  parts: (snapshot) => linking(snapshot, 'partOfId'),
  restates: (snapshot) => linked(snapshot, snapshot.restatesId),
  restatedBy: (snapshot) => linking(snapshot, 'restatesId'),
  supersedes: (snapshot) => linked(snapshot, snapshot.supersedesId),
  supersededBy: async (snapshot) => (await linking(snapshot, 'supersedesId'))[0] ?? null,
};
