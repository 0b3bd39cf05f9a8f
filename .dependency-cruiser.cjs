// The import direction of src/, as an allow list: an import that no rule below allows fails
// `npm run lint`. domain ← services ← adapters ← composition; README "Architecture" says why.
// Type-only imports count like any other (tsPreCompilationDeps).

const ADAPTERS = '(store|slack|scheduler|sandbox|ops)';
/** Libraries that compute and do no I/O: dates, calendar invites, CSV text. */
const PURE_LIBS = '(^|/)node_modules/(date-fns|@date-fns/tz|ical-generator|csv-stringify)/';
/** The sandbox page's script, for the browser (src/sandbox/page.ts serves it). */
const SANDBOX_PAGE = '^src/sandbox/page/';
/**
 * The composition files, which alone see everything: they read the environment, build the
 * adapters and hand them to the use-cases. holidays.ts is config.ts's reader of public holidays;
 * installs.ts builds what installs in many workspaces add (OAuth), process.ts this process's name,
 * heartbeat and leases, and lifecycle.ts the bot's start and stop, each for compose.ts.
 */
const COMPOSITION = [
  '^src/(amends|compose|installs|lifecycle|process|main|start|config|holidays)\\.ts$',
  '^src/[A-Za-z]+Cli\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  allowed: [
    {
      comment: 'domain/ imports only domain/ and pure libraries (createRequire loads one lazily).',
      from: { path: '^src/domain/' },
      to: { path: ['^src/domain/', PURE_LIBS, '^module$'] },
    },
    {
      comment: 'i18n/ imports only i18n/ and domain/ (the catalogs may name domain types).',
      from: { path: '^src/i18n/' },
      to: { path: ['^src/(i18n|domain)/'] },
    },
    {
      comment:
        'services/ (use-cases, ports.ts) import only services/, domain/, i18n/ and pure code: ' +
        'hashes (crypto), the unit of work’s scope (async_hooks), lazy loading (module).',
      from: { path: '^src/services/' },
      to: { path: ['^src/(services|domain|i18n)/', PURE_LIBS, '^(crypto|async_hooks|module)$'] },
    },
    {
      comment:
        'An adapter imports its own folder, the inner layers, the logger and any package or Node ' +
        'module, never another adapter nor a composition file.',
      from: { path: `^src/${ADAPTERS}/`, pathNot: SANDBOX_PAGE },
      to: { path: ['^src/$1/', '^src/(domain|i18n|services)/', '^src/log\\.ts$'] },
    },
    {
      comment: 'The same adapter, to packages and Node modules.',
      from: { path: `^src/${ADAPTERS}/`, pathNot: SANDBOX_PAGE },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'core'] },
    },
    {
      comment:
        'sandbox/page/ is the sandbox page’s script: it runs in the browser (bundled by esbuild), ' +
        'so it imports only its own folder: no Node module, package or server-side file.',
      from: { path: SANDBOX_PAGE },
      to: { path: SANDBOX_PAGE },
    },
    {
      comment:
        'log.ts is the one logger (pino): it imports no file of src/, and adapters and the ' +
        'composition may use it; domain/ and services/ may not.',
      from: { path: '^src/log\\.ts$' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'core'] },
    },
    {
      comment: 'log.ts implements the Log port of services/ports.ts (and imports nothing else of src/).',
      from: { path: '^src/log\\.ts$' },
      to: { path: '^src/services/ports\\.ts$' },
    },
    {
      comment:
        'The one deliberate exception: the sandbox server starts its bot with the production ' +
        'start-up sequence (start.ts, given the Config it reads), the fake Slack and the movable ' +
        'clock its only differences. The rest of src/sandbox/ follows the adapter rules.',
      from: { path: '^src/sandbox/server\\.ts$' },
      to: { path: ['^src/(start|config)\\.ts$'] },
    },
    {
      comment: 'The composition files see everything.',
      from: { path: COMPOSITION },
      to: {},
    },
  ],
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
