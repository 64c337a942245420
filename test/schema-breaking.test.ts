import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema as fromSdl, Kind, parse, print, visit } from 'graphql';
import { latestRelease, servedSdl } from '../tools/schema-releases';

/** A change as a line a reviewer reads: where, and what. */
const line = (change: Change) => `${change.path ?? '(schema)'}: ${change.message}`;

const breakingOf = (changes: Change[]) => changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking);

describe('the schema against the last release (schema/releases/, `npm run schema:release`)', () => {
  const release = latestRelease();
  if (!release) throw new Error('no release in schema/releases/: record one with `npm run schema:release`');
  const released = fromSdl(release.sdl);

  it('breaks nothing a client of that release relies on', async () => {
    // Today's schema goes through the same printer and parser as the release did: `buildSchema()`
    // keeps the `@link`s as a schema extension, which the diff would report as removed and added.
    const changes = await diff(released, fromSdl(servedSdl()));
    const others = changes.filter((change) => change.criticality.level !== CriticalityLevel.Breaking);
    if (others.length > 0) {
      // Dangerous and safe changes are for the reviewer's eye, not a failure.
      console.info(`since ${release.file}:\n${others.map((change) => `${change.criticality.level} ${line(change)}`).join('\n')}`);
    }
    expect(breakingOf(changes).map(line)).toEqual([]);
  });

  it('reports a renamed field as breaking, so a rename cannot slip in', async () => {
    const renamed = visit(parse(release.sdl), {
      [Kind.OBJECT_TYPE_DEFINITION]: (type) => (type.name.value !== 'Article' ? undefined : {
        ...type,
        fields: type.fields?.map((field) => (field.name.value === 'headline' ? { ...field, name: { ...field.name, value: 'title' } } : field)),
      }),
    });
    const changes = await diff(released, fromSdl(print(renamed)));
    expect(breakingOf(changes).map(line)).toEqual(["Article.headline: Field 'headline' was removed from object type 'Article'"]);
    expect(changes.map(line)).toContain("Article.title: Field 'title' was added to object type 'Article'");
  });
});
