// Bundles every entry point of Resilient Claude.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: 'none',
};

// Modules the extension loads only on first use. Each is bundled on its own
// (dist/lazy/*.js) and every dynamic import() of it in the extension becomes a
// require of that file, so activation parses none of the provider SDKs.
const lazyChunks = {
  '@anthropic-ai/sdk': { out: 'anthropic-sdk', entry: '@anthropic-ai/sdk' },
  '@anthropic-ai/vertex-sdk': { out: 'vertex-sdk', entry: '@anthropic-ai/vertex-sdk' },
  '@anthropic-ai/bedrock-sdk': { out: 'bedrock-sdk', entry: '@anthropic-ai/bedrock-sdk' },
  // The users' own credential chains (src/core/awsCredentials.ts, src/core/vertexProvider.ts).
  '@aws-sdk/credential-providers': { out: 'aws-credential-providers', entry: '@aws-sdk/credential-providers' },
  'google-auth-library': { out: 'google-auth-library', entry: 'google-auth-library' },
};
// The simulator (overload rehearsal) already has its own bundle, dist/simulator.js.
// The broker client (vscode-languageclient) is its own lazy bundle, dist/lazy/broker-client.js.
const lazyLocal = { '../simulator/index.js': '../simulator.js', './languageClientChannel.js': '../lazy/broker-client.js' };

/**
 * Every dynamic import() of a lazy chunk becomes a tiny bundled stub whose body is
 * `module.exports = require('./lazy/…')`: esbuild evaluates the stub only when the
 * import() runs, and the require is a plain runtime require of the separate file.
 * @type {import('esbuild').Plugin}
 */
const loadOnFirstUse = {
  name: 'load-on-first-use',
  setup(build) {
    build.onResolve({ filter: /./ }, (args) => {
      if (args.kind === 'require-call' && args.namespace === 'lazy-stub') return { path: args.path, external: true };
      if (args.kind !== 'dynamic-import') return undefined;
      const chunk = lazyChunks[args.path];
      const target = chunk ? `./lazy/${chunk.out}.js` : lazyLocal[args.path]?.replace('../', './');
      return target ? { path: target, namespace: 'lazy-stub' } : undefined;
    });
    build.onLoad({ filter: /./, namespace: 'lazy-stub' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [loadOnFirstUse],
  },
  {
    ...common,
    entryPoints: Object.fromEntries(Object.values(lazyChunks).map((c) => [c.out, c.entry])),
    outdir: 'dist/lazy',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { 'broker-client': 'src/extension/broker/languageClientChannel.ts' },
    outdir: 'dist/lazy',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { broker: 'src/broker/entry.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { simulator: 'src/simulator/index.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css' },
  },
].filter((t) => Object.values(t.entryPoints).every((p) => !p.startsWith('src/') || existsSync(p)));

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
