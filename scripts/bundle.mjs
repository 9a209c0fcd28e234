// Bundles the CLI's fast paths (`task run`, `task list`) from the compiled modules in dist/ into
// dist/bundle/, so that Node's ES module loader reads a handful of files instead of ~70: on Node 20
// each module costs ≈ 0.5 ms to resolve, read, compile and link, and `task run` is started once per
// task, before its agent (README, Performance). Run by `npm run build` after tsc.
//
// Packages stay outside the bundle (they are loaded from node_modules as before). Every
// `import.meta.url` of a bundled module is rewritten to the URL its own file has in dist/, so code
// that finds files beside itself (the event writer's thread, the config cache's code identity, the
// shipped prompts) finds them as it does unbundled.
import { rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outDir = join(dist, 'bundle');

/** `import.meta.url` as the URL of the module's own compiled file, relative to the bundle. */
const ownUrl = {
  name: 'own-import-meta-url',
  transform(code, id) {
    if (!code.includes('import.meta.url')) return null;
    const path = relative(outDir, id).split(sep).join('/');
    return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(path)}, import.meta.url).href`), map: null };
  },
};

rmSync(outDir, { recursive: true, force: true });
await build({
  input: { 'fast-run': join(dist, 'src', 'fast-run.js'), 'fast-list': join(dist, 'src', 'fast-list.js') },
  platform: 'node',
  // Packages (anything not a relative path) are imported from node_modules at run time.
  external: [/^[^./]/],
  plugins: [ownUrl],
  logLevel: 'warn',
  output: { dir: outDir, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
});
