/**
 * Tollgate's import rules, checked by dependency-cruiser in `npm run lint` (see
 * docs/ARCHITECTURE.md, "Boundaries"). The order below is the one direction dependencies may point:
 * each entry may import only entries before it. Domain modules are used only through their
 * `index.ts`; the one exception is `db/database.ts`, which gathers every module's table types.
 */

/** Lowest first. A path may import only paths of earlier entries (and its own entry). */
const LAYERS = [
  ['lib', '^src/lib/'],
  ['config', '^src/config\\.ts$'],
  ['db', '^src/db/'],
  ['catalog', '^src/modules/catalog/'],
  ['deps', '^src/deps\\.ts$'],
  ['http', '^src/http/'],
  ['web', '^src/web/'],
  ['mail', '^src/modules/mail/'],
  ['alerts', '^src/modules/alerts/'],
  ['outbound-webhooks', '^src/modules/outbound-webhooks/'],
  ['signing', '^src/modules/signing/'],
  ['customers', '^src/modules/customers/'],
  ['accounts', '^src/modules/accounts/'],
  ['entitlements', '^src/modules/entitlements/'],
  ['licenses', '^src/modules/licenses/'],
  ['checkout', '^src/modules/checkout/'],
  ['webhooks', '^src/modules/webhooks/'],
  ['orders', '^src/modules/orders/'],
  ['billing', '^src/modules/billing/'],
  ['storefront', '^src/modules/storefront/'],
  ['delivery', '^src/modules/delivery/'],
  ['members', '^src/modules/members/'],
  ['api-access', '^src/modules/api-access/'],
  ['api-v1', '^src/modules/api-v1/'],
  ['health', '^src/modules/health/'],
  ['admin', '^src/modules/admin/'],
  // The composition root: wires modules into the app, the workers, the CLI and test mode.
  ['root', '^src/(app|main|start|workers|event-handlers|cron)\\.tsx?$|^src/(cli|jobs|test-mode|serverless)/'],
]

/** Siblings at the same height: neither may import the other. */
const SIBLINGS = [['orders', 'billing']]

const pathOf = Object.fromEntries(LAYERS)
const NOT_TESTS = '\\.test\\.tsx?$'

const layerRules = LAYERS.flatMap(([name, path], index) => {
  const higher = LAYERS.slice(index + 1).map(([, p]) => `(${p})`)
  if (higher.length === 0) return []
  return [
    {
      name: `layer-${name}`,
      comment: `${name} is below ${LAYERS.slice(index + 1)
        .map(([n]) => n)
        .join(', ')} and may not import them (db/database.ts may import table types)`,
      severity: 'error',
      from: { path, pathNot: [NOT_TESTS, '^src/db/database\\.ts$'] },
      to: { path: higher.join('|') },
    },
  ]
})

const siblingRules = SIBLINGS.flatMap(([a, b]) => [
  [a, b],
  [b, a],
]).map(([from, to]) => ({
  name: `sibling-${from}-${to}`,
  comment: `${from} and ${to} stand side by side; neither imports the other`,
  severity: 'error',
  from: { path: pathOf[from] },
  to: { path: pathOf[to] },
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles hide the direction of a dependency; move the shared part down.',
      severity: 'error',
      from: { path: '^(src|test)/' },
      to: { circular: true },
    },
    {
      name: 'module-public-face',
      comment:
        "Another module is used only through its index.ts; its tables, repos and helpers are private. Add what you need to that module's index.ts, or move the shared part down.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: NOT_TESTS },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-uses-public-face',
      comment: 'Code outside src/modules uses a module only through its index.ts.',
      severity: 'error',
      from: { path: '^src/(?!modules/)', pathNot: ['^src/db/database\\.ts$', NOT_TESTS] },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'schema-registry-types-only',
      comment: 'db/database.ts gathers table types (type-only imports of table.ts files) and nothing else.',
      severity: 'error',
      from: { path: '^src/db/database\\.ts$' },
      to: { path: '^src/(modules|http)/', pathNot: 'table\\.ts$' },
    },
    {
      name: 'emulator-only-through-test-mode',
      comment:
        'The app reaches the Stripe emulator over HTTP through the stripe SDK; only src/test-mode/emulator.ts starts it.',
      severity: 'error',
      from: { path: '^(src|test)/', pathNot: '^src/test-mode/emulator\\.ts$' },
      to: { path: '(^|/)packages/stripe-emulator/' },
    },
    {
      name: 'emulator-is-sealed',
      comment: 'The emulator package imports nothing from the app.',
      severity: 'error',
      from: { path: '^packages/stripe-emulator/' },
      to: { path: '^(src|test)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo or a missing dependency).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    ...layerRules,
    ...siblingRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.d\\.ts$|^test/fixtures/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },

}
