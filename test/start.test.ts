import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process';
import { until } from './support/processes';

const ROOT = join(__dirname, '..');

describe('npm start', () => {
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'tools', 'build.mjs')], { cwd: ROOT });
    expect(stdout).toMatch(/^build: dist\/main\.js/);
  });
  afterAll(() => gateway?.stop());

  it('runs the build: the embedded store with the worked example answers, and the gateway stops cleanly', async () => {
    gateway = await startGatewayProcess({ LOG_FORMAT: 'json' }, { built: true });
    const response = await fetch(gateway.url, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ articles(first: 5) { edges { node { headline } } } }' }),
    });
    const { data } = await response.json() as { data: { articles: { edges: { node: { headline: string } }[] } } };
    expect(data.articles.edges.map(({ node }) => node.headline)).toEqual(['Pakistan Targets Balochistan Separatists After Widespread Attacks Kill Dozens']);
    expect(gateway.logs.map((record) => record.msg)).toEqual(expect.arrayContaining([
      'content store open and migrated', 'empty store: loaded the worked example', 'newsgate is serving GraphQL',
    ]));
    // The world dashboard's kept statistics are built in the background once the gateway serves.
    await until(() => gateway!.logs.some((record) => record.msg === 'statistics kept per article: ready'), 'the kept statistics to be built');
    expect(await gateway.stop()).toBe(0);
    expect(gateway.stderr()).toBe('');
  });
});
