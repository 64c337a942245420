/**
 * `npm run build` (run by `npm ci`/`npm install` as `prepare`, and before every `npm start`): what
 * `npm start` runs instead of compiling TypeScript as it starts.
 *
 * - dist/main.js: src/main.ts and everything it imports from src/ and resolvers/ in one CommonJS
 *   file (packages stay in node_modules). Files that sources find next to themselves (migrations, the
 *   worked example's content, the playground's client, the SDL) are still read from where they live.
 * - dist/pglite-migrated-<key>.tar: the embedded store with every migration applied
 *   (src/store/snapshot.ts), made again only when PGlite or a migration changes.
 *
 * Unlike the rest of tools/, this runs in production installs too (`npm ci --omit=dev`): it may use
 * dependencies only, never devDependencies.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist');

/**
 * In one bundle every module would share the bundle's `__dirname`; each source's own is restored,
 * relative to the bundle, so that the tree can be moved with the bundle in it. (Packages are not
 * bundled, so only our own sources pass through here.)
 */
const ownDirname = {
  name: 'own-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const dir = JSON.stringify(relative(OUT, dirname(path)));
      return { contents: source.replace(/\b__dirname\b/g, `require('node:path').join(__dirname, ${dir})`), loader: 'ts' };
    });
  },
};

/**
 * Bundles, then writes each file whole or not at all (to a temporary name, then renamed): a gateway
 * starting from dist/ while another build runs (tests and `npm run supergraph` build too) never reads
 * half a file.
 */
async function bundle() {
  const { outputFiles } = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'src/main.ts', 'store-snapshot': 'src/store/snapshot.ts' },
    outdir: OUT,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [ownDirname],
    write: false,
  });
  await mkdir(OUT, { recursive: true });
  await Promise.all(outputFiles.map(async ({ path, contents }) => {
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, contents);
    await rename(partial, path);
  }));
}

const started = performance.now();
await bundle();
const { writeStoreSnapshot } = createRequire(import.meta.url)(join(OUT, 'store-snapshot.js'));
const made = await writeStoreSnapshot();
console.log(`build: dist/main.js${made ? ' and the store snapshot' : ''} in ${Math.round(performance.now() - started)} ms`);
