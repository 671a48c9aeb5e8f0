#!/usr/bin/env node
// Bundles the extension client, the language server and the CLI into dist/, and copies the two WebAssembly
// modules (tree-sitter runtime and Python grammar) beside them. `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const watch = process.argv.includes('--watch');
const production = !process.argv.includes('--dev');
const finalDist = join(root, 'dist');
// A one-shot build goes to a scratch folder and replaces dist/ at the end, so a running server or test never
// sees a half-written dist/.
const dist = watch ? finalDist : join(root, `.dist-${process.pid}`);

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), join(dist, 'tree-sitter-python.wasm'));

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  define: { VIGIL_VERSION: JSON.stringify(version) },
  // web-tree-sitter's ESM build needs import.meta.url, which a CommonJS bundle lacks: use its CommonJS build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};
// The engine's bundles keep their identifiers instead of minifying them: names stay readable in stack traces (a
// rule's error, a profile) without esbuild's `keepNames`, which wraps every function and class the code creates in
// an `Object.defineProperty` call — ~10% of an analysis, since rules create their visitors per unit.
const engine = { ...common, minify: false, minifyWhitespace: production, minifySyntax: production };
const targets = [
  // The extension host provides `vscode`; everything else is bundled.
  { ...common, keepNames: true, entryPoints: { client: join(root, 'client/src/extension.ts') }, outdir: dist, external: ['vscode'] },
  { ...engine, entryPoints: { server: join(root, 'server/src/lsp/main.ts') }, outdir: dist },
  {
    ...engine,
    entryPoints: { cli: join(root, 'server/src/cli/main.ts') },
    outdir: dist,
    banner: { js: '#!/usr/bin/env node' },
  },
];

if (watch) {
  for (const options of targets) await (await context(options)).watch();
  console.log('watching for changes…');
} else {
  try {
    await Promise.all(targets.map((options) => build(options)));
  } catch (error) {
    rmSync(dist, { recursive: true, force: true });
    throw error;
  }
  // dist/ is CommonJS whatever the package says.
  writeFileSync(join(dist, 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
  chmodSync(join(dist, 'cli.js'), 0o755);
  rmSync(finalDist, { recursive: true, force: true });
  renameSync(dist, finalDist);
}
