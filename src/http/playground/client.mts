/**
 * The playground's browser entry: GraphiQL with its doc explorer and query history (both built
 * into GraphiQL 5), the example operations as the first tabs, and Monaco's web workers served
 * from the gateway itself, so nothing is fetched from a CDN. Bundled by ../playground-assets.ts;
 * it reads its settings from the page (see ../playground.ts) instead of an inline script, so the
 * page needs no 'unsafe-inline' script policy.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

/** What the page tells the bundle (serialised by `playgroundPage`). */
interface PlaygroundSettings {
  /** Where the asset files are, e.g. `/playground`. */
  assetsPath: string;
  /** The file of each Monaco worker, by language label (`editor` for any other). */
  workers: { editor: string; json: string; graphql: string };
  /** One tab per example operation, shown when the browser has no saved tabs. */
  tabs: { query: string; variables?: string }[];
}

function readSettings(): PlaygroundSettings {
  const element = document.getElementById('playground-settings');
  return JSON.parse(element?.textContent ?? '{}') as PlaygroundSettings;
}

const settings = readSettings();

// Monaco asks for a worker per language; each is a separate bundle next to this one.
(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    const file = label === 'json' || label === 'graphql' ? settings.workers[label] : settings.workers.editor;
    return new Worker(`${settings.assetsPath}/${file}`);
  },
};

// The page is served at the GraphQL endpoint itself, so its own path is the endpoint; subscriptions
// go over a WebSocket to the same path (graphql-ws), with the headers tab as `connectionParams`.
const socketUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${window.location.pathname}`;
const fetcher = createGraphiQLFetcher({ url: window.location.pathname, subscriptionUrl: socketUrl });

// GraphiQL 5 fills the first tab's query editor from `defaultTabs` but not its variables editor;
// on a first visit (no saved tabs) hand it the first example's variables as well.
const firstVisit = window.localStorage.getItem('graphiql:tabState') === null;

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: settings.tabs,
    initialVariables: firstVisit ? settings.tabs[0]?.variables : undefined,
    defaultEditorToolsVisibility: true,
  }),
);
