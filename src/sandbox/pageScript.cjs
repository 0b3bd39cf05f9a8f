/**
 * The sandbox page's script (src/sandbox/page/main.ts) bundled for the browser, as text: the one
 * definition of how it is built, for the shipped app (scripts/bundle.mjs sets it into the bundle)
 * and for a run from the sources (src/sandbox/page.ts). CommonJS, so that both load it as it is,
 * without a TypeScript step. esbuild is a dev dependency: the caller hands it in.
 */
const { join } = require('node:path');

/** @param {typeof import('esbuild')} esbuild @param {import('esbuild').LogLevel} logLevel */
exports.bundlePageScript = (esbuild, logLevel) => {
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [join(__dirname, 'page', 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    logLevel,
  });
  const file = outputFiles[0];
  if (!file) throw new Error('esbuild wrote no sandbox page script');
  return file.text;
};
