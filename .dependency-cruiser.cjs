/**
 * The import direction, checked by `npm run lint` (see ARCHITECTURE.md):
 *   core → core · ports → core · output → core · doctor → doctor · services → core, ports, output, doctor
 *   adapters → core, ports, adapters · app (composition root) → anything but cli/commands
 *   cli, commands → app, core, output, cli, doctor's entry (types of services and ports allowed)
 * No import cycles. Only app/ constructs adapters.
 */
const layer = (name) => `^src/${name}/`
const only = (from, allowed, comment) => ({
  name: `${from}-imports`,
  comment,
  severity: 'error',
  from: {path: layer(from)},
  to: {path: '^src/', pathNot: allowed.map(layer)},
})

module.exports = {
  forbidden: [
    {name: 'no-circular', severity: 'error', comment: 'Import cycles hide a missing layer.', from: {}, to: {circular: true}},
    only('core', ['core'], 'core/ is the pure deploy domain: it imports nothing outside core.'),
    {
      name: 'core-no-io',
      severity: 'error',
      comment: 'core/ has no I/O and no Azure SDK.',
      from: {path: layer('core')},
      to: {path: '^(node:)?(fs|net|http|https|child_process|dgram|tls|readline)(/|$)|^@azure/|^process$'},
    },
    only('ports', ['ports', 'core'], 'ports/ are interfaces over core types only.'),
    only('output', ['output', 'core'], 'output/ renders core data.'),
    only('doctor', ['doctor'], 'The Dockerfile analyzer is self-contained.'),
    only('services', ['services', 'core', 'ports', 'output', 'doctor'], 'Services depend on ports, never adapters.'),
    only('adapters', ['adapters', 'core', 'ports'], 'Adapters implement ports over the outside world.'),
    {
      name: 'app-not-entry-points',
      severity: 'error',
      comment: 'The composition root is called by entry points, never the other way.',
      from: {path: layer('app')},
      to: {path: '^src/(cli|commands|action)/'},
    },
    {
      name: 'entry-points-through-app',
      severity: 'error',
      comment: 'Commands, cli/ and the Action reach adapters and services only through app/ (types excepted).',
      from: {path: '^src/(cli|commands|action)/'},
      to: {path: '^src/(adapters|services|ports)/', dependencyTypesNot: ['type-only']},
    },
    {
      name: 'doctor-one-entry',
      severity: 'error',
      comment: 'Outside src/doctor, only its public entry doctor/index.ts is imported.',
      from: {path: '^src/', pathNot: layer('doctor')},
      to: {path: '^src/doctor/', pathNot: '^src/doctor/index\\.ts$'},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    reporterOptions: {text: {highlightFocused: true}},
  },
}
