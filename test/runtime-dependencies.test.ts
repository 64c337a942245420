import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>; devDependencies: Record<string, string>;
};

/** The package a bare import names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every package that `entryPoints` reach through our own sources, found as esbuild bundles them. */
async function packagesReachedFrom(entryPoints: string[]): Promise<Set<string>> {
  const { metafile } = await build({
    absWorkingDir: ROOT, entryPoints, bundle: true, packages: 'external', platform: 'node', format: 'esm',
    write: false, outdir: 'out', metafile: true, logLevel: 'silent',
  });
  const reached = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const { path, external } of input.imports) {
      if (external && !path.startsWith('node:') && !path.startsWith('<')) reached.add(packageOf(path)); // <runtime>: esbuild's own helpers
    }
  }
  return reached;
}

describe('the runtime\'s packages', () => {
  it('are dependencies: nothing the gateway, its build or its CLIs import is a devDependency', async () => {
    const cli = readdirSync(join(ROOT, 'src', 'cli')).filter((file) => file.endsWith('.ts')).map((file) => `src/cli/${file}`);
    const reached = await packagesReachedFrom(['src/main.ts', ...cli, 'tools/build.mjs']);
    expect(reached.size).toBeGreaterThan(10);
    expect([...reached].filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  it('leave the tools\' packages (faker, the gazetteer, autocannon) to devDependencies', () => {
    for (const name of ['@faker-js/faker', 'country-state-city', 'autocannon']) {
      expect(manifest.devDependencies[name]).toBeDefined();
      expect(manifest.dependencies[name]).toBeUndefined();
    }
  });
});
