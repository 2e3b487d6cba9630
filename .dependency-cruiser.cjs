/**
 * The layering of the project (cli → commands → workflows → people, ledger, zoom → base), enforced: every import points down, and nothing is circular.
 * Run by `npm test` (test/architecture/layers.test.ts), `npm run layers` and .ci/run.
 *
 *   cli.ts → commands/ → workflows → people/, ledger/, zoom/ → ui/, fs/, config, errors, secrets, run-context
 *
 * Workflows: dsar/, registrants/, zoom-data-requests/, compliance/, doctor.ts. They do not import
 * each other, except that export uses the registrations finder and Zoom's own export.
 */
const WORKFLOWS = '^src/(dsar|registrants|zoom-data-requests|compliance)/|^src/doctor[.]ts$';
const BASE = '^src/(fs/|config[.]ts$|dates[.]ts$|order[.]ts$|errors[.]ts$|secrets[.]ts$|version[.]ts$|run-context[.]ts$)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'a cycle means two modules each need the other', from: {}, to: { circular: true } },
    { name: 'cli-is-the-top', severity: 'error', comment: 'only bin/ loads src/cli.ts', from: { path: '^src/' }, to: { path: '^src/cli[.]ts$' } },
    {
      name: 'only-cli-imports-commands',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli[.]ts$|commands/)' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'commands-do-not-talk-to-zoom',
      severity: 'error',
      comment: 'commands parse, call a workflow and render: Zoom is reached through the workflows',
      from: { path: '^src/commands/', pathNot: '^src/commands/sandbox[.]ts$' },
      to: { path: '^src/(zoom|people|fs)/' },
    },
    {
      name: 'only-commands-render',
      severity: 'error',
      comment: 'workflows return results; only cli.ts and commands/ print (ui/)',
      from: { path: '^src/', pathNot: '^src/(cli[.]ts$|commands/|ui/)' },
      to: { path: '^src/ui/' },
    },
    {
      name: 'workflows-do-not-import-each-other',
      severity: 'error',
      from: { path: '^src/(dsar|registrants|zoom-data-requests|compliance)/|^src/doctor[.]ts$' },
      to: {
        path: WORKFLOWS,
        pathNot: [
          // a workflow's own folder
          '^src/$1/',
          // export: the registrations finder, and Zoom's own Data & Privacy export
          '^src/registrants/(find|scan|index-store)[.]ts$',
          '^src/zoom-data-requests/(export|engine|fetch|place|zip-read)[.]ts$',
        ],
      },
    },
    {
      name: 'export-only-borrows-finder-and-zoom-export',
      severity: 'error',
      from: { path: '^src/(registrants|zoom-data-requests|compliance)/|^src/doctor[.]ts$' },
      to: { path: '^src/dsar/' },
    },
    {
      name: 'people-ledger-zoom-are-below-workflows',
      severity: 'error',
      from: { path: '^src/(people|ledger|zoom)/' },
      to: { path: `${WORKFLOWS}|^src/commands/|^src/cli[.]ts$` },
    },
    { name: 'people-need-only-errors', severity: 'error', from: { path: '^src/people/' }, to: { path: '^src/', pathNot: `^src/people/|^src/errors[.]ts$` } },
    { name: 'ledger-needs-fs-and-errors', severity: 'error', from: { path: '^src/ledger/' }, to: { path: '^src/', pathNot: `^src/ledger/|${BASE}` } },
    { name: 'zoom-needs-only-the-base', severity: 'error', from: { path: '^src/zoom/' }, to: { path: '^src/', pathNot: `^src/zoom/|${BASE}` } },
    {
      name: 'base-is-the-bottom',
      severity: 'error',
      comment: 'ui, fs, config, errors, secrets, run-context import only each other',
      from: { path: `^src/ui/|${BASE}` },
      to: { path: '^src/', pathNot: `^src/ui/|${BASE}` },
    },
    { name: 'ui-is-not-imported-by-the-base', severity: 'error', from: { path: BASE }, to: { path: '^src/ui/' } },
    { name: 'sandbox-stands-alone', severity: 'error', comment: 'the sandbox follows the specs, not the client', from: { path: '^src/sandbox/' }, to: { path: '^src/', pathNot: '^src/sandbox/' } },
    { name: 'nothing-imports-the-sandbox', severity: 'error', from: { path: '^src/', pathNot: '^src/(sandbox/|commands/sandbox[.]ts$)' }, to: { path: '^src/sandbox/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
