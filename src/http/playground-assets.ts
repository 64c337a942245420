import { basename, extname, join } from 'node:path';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

/** One built file, ready to serve. */
export interface PlaygroundFile {
  body: Uint8Array;
  contentType: string;
}

/**
 * The playground's browser files, bundled from the installed `graphiql`, `react` and Monaco
 * packages: nothing is committed and nothing comes from a CDN. File names carry a content hash,
 * so they may be cached for good.
 */
export interface PlaygroundAssets {
  /** By file name (no directory). */
  files: ReadonlyMap<string, PlaygroundFile>;
  /** The names of the page's script and stylesheet. */
  script: string;
  stylesheet: string;
  /** Monaco's web workers by language label (`editor` is the default one). */
  workers: { editor: string; json: string; graphql: string };
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
};

const CLIENT_ENTRY = join(__dirname, 'playground', 'client.mts');

/**
 * Where Monaco's workers live: resolved from GraphiQL's own dependencies, so the workers always
 * match the editor GraphiQL bundles.
 */
function workerEntries(): Record<string, string> {
  const fromGraphiql = createRequire(require.resolve('graphiql'));
  const fromReact = createRequire(fromGraphiql.resolve('@graphiql/react'));
  return {
    'editor.worker': fromReact.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
    'json.worker': fromReact.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
    'graphql.worker': fromReact.resolve('monaco-graphql/esm/graphql.worker.js'),
  };
}

/** The one output whose name starts with `stem-` and ends with `extension`. */
function outputNamed(files: ReadonlyMap<string, PlaygroundFile>, stem: string, extension: string): string {
  const name = [...files.keys()].find((file) => file.startsWith(`${stem}-`) && file.endsWith(extension));
  if (!name) throw new Error(`the playground build produced no ${stem}${extension}`);
  return name;
}

/** Bundles the client and the workers with esbuild, in memory (about 1.5 s, 7 MB). */
async function bundle(): Promise<PlaygroundAssets> {
  const result = await build({
    entryPoints: { playground: CLIENT_ENTRY, ...workerEntries() },
    bundle: true,
    write: false,
    outdir: 'playground',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    format: 'iife',
    target: 'es2022',
    minify: true,
    loader: { '.ttf': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const files = new Map(result.outputFiles.map((file) => [basename(file.path), {
    body: file.contents,
    contentType: CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream',
  }]));
  return {
    files,
    script: outputNamed(files, 'playground', '.js'),
    stylesheet: outputNamed(files, 'playground', '.css'),
    workers: {
      editor: outputNamed(files, 'editor.worker', '.js'),
      json: outputNamed(files, 'json.worker', '.js'),
      graphql: outputNamed(files, 'graphql.worker', '.js'),
    },
  };
}

let built: Promise<PlaygroundAssets> | undefined;

/**
 * The playground's files, bundled on the first call and shared by every later call in the process
 * (they depend only on the installed packages). A failed build rejects, and the next call tries again.
 */
export function playgroundAssets(): Promise<PlaygroundAssets> {
  built ??= bundle().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}
