import type { ApolloServerPlugin } from '@apollo/server';
import { Router } from 'express';
import type { Logger } from '../logger';
import { type PlaygroundAssets, playgroundAssets } from './playground-assets';
import { PLAYGROUND_EXAMPLES, type PlaygroundExample } from './playground-examples';

export interface PlaygroundOptions {
  /** Serve GraphiQL to browsers at the GraphQL endpoint. Default: on outside production. */
  enabled: boolean;
  /** The URL path its files are served under. Default `/playground`. */
  assetsPath: string;
}

export const DEFAULT_PLAYGROUND_ASSETS_PATH = '/playground';

/** What the page hands the bundle (read by ./playground/client.mts). */
interface PageSettings {
  assetsPath: string;
  workers: PlaygroundAssets['workers'];
  tabs: { query: string; variables?: string }[];
}

/** JSON that is safe inside a <script> element: no `<` can close it. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The page: GraphiQL's stylesheet and script from `assetsPath`, and the settings as a JSON data
 * block (no inline script runs). The example supergraph's router serves it too, with its own tabs
 * and title (tools/supergraph/playground.ts).
 */
export function playgroundPage(
  assets: PlaygroundAssets, assetsPath: string,
  { examples = PLAYGROUND_EXAMPLES, title = 'newsgate · GraphQL playground' }: { examples?: readonly PlaygroundExample[]; title?: string } = {},
): string {
  const settings: PageSettings = {
    assetsPath,
    workers: assets.workers,
    tabs: examples.map(({ query, variables }) => ({
      query, ...(variables ? { variables: JSON.stringify(variables, null, 2) } : {}),
    })),
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetsPath}/${assets.stylesheet}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the playground…</div>
<script type="application/json" id="playground-settings">${scriptSafeJson(settings)}</script>
<script src="${assetsPath}/${assets.script}" defer></script>
</body>
</html>
`;
}

/** Shown instead of GraphiQL when its files could not be built; the cause is in the log. */
function unavailablePage(): string {
  return '<!doctype html><meta charset="utf-8"><title>newsgate · playground unavailable</title>' +
    '<p>The playground could not be built on this server; the gateway log says why. ' +
    'POST GraphQL requests to this URL as usual.</p>';
}

/**
 * Apollo's landing page, replaced: a browser's GET of the endpoint (Accept: text/html) gets the
 * playground page; every other request is GraphQL as usual. The page is built on the first visit
 * (its files take about 1.5 s to bundle) and reused.
 */
export function playgroundLandingPage(options: PlaygroundOptions, log: Logger): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return {
            async html() {
              try {
                return playgroundPage(await playgroundAssets(), options.assetsPath);
              } catch (error) {
                log.error({ err: error }, 'could not build the playground');
                return unavailablePage();
              }
            },
          };
        },
      };
    },
  };
}

/**
 * Serves the playground's files at `GET <assetsPath>/<name>`: built once (see playgroundAssets),
 * cached by browsers for good (names carry a content hash); 404 for any other name.
 */
export function playgroundAssetRoutes(): Router {
  const router = Router();
  router.get('/:file', async (req, res) => {
    const file = (await playgroundAssets()).files.get(req.params.file);
    if (!file) {
      res.status(404).type('text/plain').send('no such playground file');
      return;
    }
    res.type(file.contentType).set('cache-control', 'public, max-age=31536000, immutable').send(Buffer.from(file.body));
  });
  return router;
}
