import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/config';
import { loadSourceDefinitions, SOURCE_DEFAULTS, SourcesFileError } from '../src/sources/definitions';
import { createSourceAdapters } from '../src/sources';

const YAML_FILE = `
sources:
  - id: meridian
    name: Meridian Wire
    kind: graphql
    url: https://api.meridian.example/graphql
    licence: © Meridian Wire, used under licence
    headers:
      authorization: Bearer \${MERIDIAN_TOKEN}
    timeoutMs: 1500
    document: |
      query News($q: String, $after: String, $first: Int) {
        stories(query: $q, after: $after, first: $first) {
          edges { node { id title link } }
          pageInfo { endCursor hasNextPage }
        }
      }
    variables: { q: search, after: cursor, first: size }
    itemsPath: stories.edges.*.node
    nextCursorPath: stories.pageInfo.endCursor
    hasNextPath: stories.pageInfo.hasNextPage
    mapping: { remoteId: id, headline: title, url: link }
  - id: broadsheet
    name: The Broadsheet
    kind: rest
    url: https://content.broadsheet.example
    licence: Broadsheet content API terms
    headers:
      api-key: { env: BROADSHEET_KEY }
      accept: application/json
    path: /search?q={search}&tag={tag}&from-date={from}&page={page}&page-size={size}
    itemsPath: response.results
    pagesPath: response.pages
    totalPath: response.total
    mapping:
      remoteId: id
      headline: webTitle
      url: webUrl
      tags: tags.*.webTitle
  - id: coast-feed
    name: Coast Gazette
    kind: feed
    url: https://coast.example/rss.xml
    licence: CC BY 4.0
`;

const ENV = { MERIDIAN_TOKEN: 'tok-secret-1', BROADSHEET_KEY: 'key-secret-2' };

describe('the sources file', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'newsgate-sources-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const problemsOf = (path: string, env: NodeJS.ProcessEnv = ENV): string[] => {
    try {
      loadSourceDefinitions(path, env);
    } catch (error) {
      expect(error).toBeInstanceOf(SourcesFileError);
      expect(error).toBeInstanceOf(ConfigError);
      return (error as SourcesFileError).problems;
    }
    throw new Error('the file was accepted');
  };

  it('loads a YAML file of each kind, secrets taken from the environment and defaults filled in', () => {
    const [graphql, rest, feed] = loadSourceDefinitions(file('sources.yaml', YAML_FILE), ENV);
    expect(graphql).toMatchObject({
      id: 'meridian', kind: 'graphql', timeoutMs: 1500, ttlSeconds: SOURCE_DEFAULTS.ttlSeconds,
      headers: { authorization: 'Bearer tok-secret-1' },
      variables: { q: 'search', after: 'cursor', first: 'size' }, itemsPath: 'stories.edges.*.node',
    });
    expect(rest).toMatchObject({
      id: 'broadsheet', kind: 'rest', headers: { 'api-key': 'key-secret-2', accept: 'application/json' },
      pagesPath: 'response.pages', mapping: { tags: 'tags.*.webTitle' },
    });
    expect(feed).toEqual({ id: 'coast-feed', name: 'Coast Gazette', kind: 'feed', url: 'https://coast.example/rss.xml',
      licence: 'CC BY 4.0', headers: {}, ...SOURCE_DEFAULTS });
    expect(createSourceAdapters([graphql, rest, feed]).map((adapter) => adapter.info.kind)).toEqual(['graphql', 'rest', 'feed']);
  });

  it('loads the same sources from JSON', () => {
    const fromYaml = loadSourceDefinitions(file('same.yml', YAML_FILE), ENV);
    const json = file('sources.json', JSON.stringify({ sources: fromYaml.map((source) => ({ ...source, headers: {} })) }));
    expect(loadSourceDefinitions(json, {})).toEqual(fromYaml.map((source) => ({ ...source, headers: {} })));
  });

  it('names every problem at once, each with its place and what to do', () => {
    const problems = problemsOf(file('bad.yaml', `
sources:
  - id: Meridian Wire
    name: Meridian
    kind: graphql
    url: ftp://meridian.example
    licence: ''
    timeoutMs: 0
    timeoutMS: 100
    document: 'query { stories { id } }'
    variables: { q: everything }
    itemsPath: stories
    mapping: { headline: title }
  - id: dup
    name: One
    kind: rest
    url: https://one.example
    licence: terms
    path: /tags/{tag}/items?q={query}
    itemsPath: ''
    mapping: { headline: title, url: link }
  - id: dup
    name: Two
    kind: feed
    url: https://two.example/feed
    licence: terms
  - id: other
    name: Other
    kind: soap
    url: https://other.example
    licence: terms
`));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^sources\[0\]\.id: must be a short slug .*\(got "Meridian Wire"\)/),
      expect.stringMatching(/^sources\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/),
      expect.stringMatching(/^sources\[0\]\.licence: must give the licence/),
      expect.stringMatching(/^sources\[0\]\.timeoutMs: must be a whole number of milliseconds from 1 to 60000 \(got 0\)/),
      expect.stringMatching(/^sources\[0\]: "timeoutMS" is not a field here/),
      expect.stringMatching(/^sources\[0\]\.variables\.q: must be one of our arguments: search, tag/),
      expect.stringMatching(/^sources\[0\]\.mapping\.url: is missing; it must be a dotted path/),
      expect.stringMatching(/^sources\[1\]\.itemsPath: must be a dotted path .*\(got ""\)/),
      expect.stringMatching(/^sources\[2\]\.id: "dup" is already the id of sources\[1\]/),
      'sources[3].kind: must be graphql, rest or feed (got "soap")',
    ]));
    expect(problems).toHaveLength(10);

    const second = problemsOf(file('bad-second.yaml', `
sources:
  - id: dup
    name: One
    kind: rest
    url: https://one.example
    licence: terms
    path: /tags/{tag}/items?q={query}
    itemsPath: response.results
    mapping: { headline: title, url: link }
  - id: dup
    name: Two
    kind: graphql
    url: https://two.example/graphql
    licence: terms
    document: 'query News($q: String!, $n: Int) { stories(query: $q) { id } }'
    variables: { q: search, first: size }
    itemsPath: stories
    mapping: { headline: title, url: link }
`));
    expect(second).toEqual([
      expect.stringMatching(/^sources\[0\]\.path: \{tag\} may be absent, so it belongs in the query string/),
      expect.stringMatching(/^sources\[0\]\.path: \{query\} is not a placeholder; use \{search\}/),
      'sources[1].id: "dup" is already the id of sources[0]; give each source its own id',
      expect.stringMatching(/^sources\[1\]\.variables\.first: the document declares no \$first/),
      expect.stringMatching(/^sources\[1\]\.variables\.q: the document requires \$q, but search is often absent/),
    ]);
  });

  it('refuses a missing variable naming it, and never prints a secret', () => {
    const path = file('secrets.yaml', YAML_FILE);
    let message = '';
    try {
      loadSourceDefinitions(path, { MERIDIAN_TOKEN: 'tok-secret-1' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('sources[1].headers.api-key: names BROADSHEET_KEY, which is not set; set it in the environment');
    expect(message).not.toContain('tok-secret-1');

    const typo = problemsOf(file('secret-typo.yaml', YAML_FILE.replace('authorization: Bearer ${MERIDIAN_TOKEN}', 'authorization: [tok-literal-3]')));
    expect(typo).toEqual([expect.stringMatching(/^sources\[0\]\.headers\.authorization: must be text .* or \{ env: NAME \}$/)]);
    expect(typo.join('\n')).not.toContain('tok-literal-3');
  });

  it('reports a file that cannot be read or parsed, with where', () => {
    expect(problemsOf(join(dir, 'absent.yaml'))).toEqual([expect.stringMatching(/cannot be read \(ENOENT\)/)]);
    expect(problemsOf(file('broken.yaml', 'sources:\n  - id: a\n   name: b\n'))[0]).toMatch(/^is not YAML: .*line 3/);
    expect(problemsOf(file('broken.json', '{"sources": [}'))[0]).toMatch(/^is not JSON/);
    expect(problemsOf(file('sources.toml', ''))[0]).toMatch(/must name a \.yaml, \.yml or \.json file/);
    expect(problemsOf(file('list.yaml', '- id: a\n'))).toEqual(['the file: must be a mapping with one key, sources: a list of sources']);
  });

  it('takes an empty list as no sources', () => {
    expect(loadSourceDefinitions(file('empty.yaml', 'sources: []\n'), {})).toEqual([]);
  });
});
