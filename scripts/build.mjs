#!/usr/bin/env node
/**
 * `npm run build`: compiles Tollgate (`src/` → `dist/`) and the Stripe emulator package
 * (`packages/stripe-emulator/src/` → its `dist/`) to plain ES modules for `node`, one output file
 * per source file. esbuild transpiles only (no bundling, no type check: `npm run typecheck` does
 * that), so the layout of `dist/` mirrors `src/`: migrations are still discovered by reading their
 * folder, and files read next to the code (the stylesheet, the emulator's shape table) are copied
 * beside it. Tests (`*.test.ts`) are left out. Dependencies stay in node_modules.
 *
 * The server's entry, `dist/main.js` (the container's and systemd's command), is then replaced by
 * a bundle of everything it imports from src/ plus the pure-JS packages of its start-up and
 * request path (hono and its adapters, zod and the OpenAPI layer, marked, kysely, yaml): loading
 * some 800 small modules one by one (resolve, stat, read, compile, link each) was most of a cold
 * start. The bundle is split (esbuild `splitting`) with the migrations as entry points of their
 * own in `dist/server/migrations/`, so the server's migrations and the server share one copy of
 * kysely (its dialects are told apart by `instanceof`, which a second copy would fail); the CLI
 * and the rest of dist/ keep the per-file layout and node_modules' kysely, with their own
 * migrations in `dist/db/migrations/`. Every other package stays in node_modules (native code,
 * CommonJS loaded through `createRequire`, optional drivers, lazily loaded ones). Code that finds
 * files next to itself through `import.meta.url` (the stylesheet, the migrations folder) is given
 * its own file's URL in the per-file layout of dist/ (the bundle's migrate.ts: that of the bundle's
 * migrations), so it finds them where the per-file build put them.
 *
 * Usage: node scripts/build.mjs [--quiet]
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PACKAGES = [
  { name: 'tollgate', dir: ROOT },
  { name: '@tollgate/stripe-emulator', dir: join(ROOT, 'packages/stripe-emulator') },
]
const quiet = process.argv.includes('--quiet')

/** Every file under `dir`, as paths relative to it. */
function walk(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path, base) : [relative(base, path)]
  })
}

const isSource = (file) => /\.tsx?$/.test(file) && !/\.d\.ts$/.test(file)
const isTest = (file) => /\.test\.tsx?$/.test(file)
/** Read at run time next to the code that reads them (stylesheet, JSON tables). */
const isAsset = (file) => !isSource(file) && !/\.md$/.test(file)

async function buildPackage({ name, dir }) {
  const src = join(dir, 'src')
  const out = join(dir, 'dist')
  rmSync(out, { recursive: true, force: true })
  const files = walk(src)
  const entryPoints = files.filter((f) => isSource(f) && !isTest(f)).map((f) => join(src, f))
  await build({
    entryPoints,
    outdir: out,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    logLevel: 'warning',
  })
  const assets = files.filter(isAsset)
  for (const file of assets) cpSync(join(src, file), join(out, file))
  if (!quiet) console.log(`${name}: ${entryPoints.length} modules, ${assets.length} assets → ${relative(ROOT, out)}/`)
}

/** Packages bundled into dist/main.js: pure ES modules, and every package that imports one of them. */
const BUNDLED = new Set([
  'hono',
  '@hono/node-server',
  '@hono/zod-openapi',
  '@hono/zod-validator',
  '@asteasolutions/zod-to-openapi',
  'openapi3-ts',
  'zod',
  'marked',
  'kysely',
  'yaml',
])
const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')

/** Where the bundle's own migrations go (dist/server/migrations/), and its shared chunks. */
const SERVER_DIR = 'server'

async function bundleServer() {
  const src = join(ROOT, 'src')
  const dist = join(ROOT, 'dist')
  const migrations = walk(join(src, 'db/migrations')).filter((f) => isSource(f) && !isTest(f))
  /** The URL a bundled file is given for itself: its place in the per-file layout of dist/. */
  const ownUrl = (path) =>
    path === join(src, 'db/migrate.ts')
      ? `./${SERVER_DIR}/migrate.js` // reads ./migrations/ next to it: the bundle's migrations
      : `./${relative(src, path).replace(/\.tsx?$/, '.js')}`
  const result = await build({
    entryPoints: [
      { in: join(src, 'main.ts'), out: 'main' },
      ...migrations.map((f) => ({
        in: join(src, 'db/migrations', f),
        out: `${SERVER_DIR}/migrations/${f.replace(/\.tsx?$/, '')}`,
      })),
    ],
    outdir: dist,
    chunkNames: `${SERVER_DIR}/chunks/[name]-[hash]`,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    logLevel: 'warning',
    // CommonJS packages in the bundle (yaml) call require() for node's own modules.
    banner: { js: "import { createRequire as __tollgateRequire } from 'node:module'; const require = __tollgateRequire(import.meta.url);" },
    plugins: [
      {
        name: 'tollgate-bundle',
        setup(b) {
          // A lazily imported module of ours (the S3 store) stays a file of its own, loaded when
          // first used: bundled, its packages' imports would be hoisted to the bundle's start.
          b.onResolve({ filter: /^\.\.?\// }, (args) =>
            args.kind === 'dynamic-import' && args.importer.startsWith(src)
              ? { path: `./${relative(src, join(dirname(args.importer), args.path))}`, external: true }
              : undefined,
          )
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('node:') || !BUNDLED.has(packageName(args.path))
              ? { path: args.path, external: true }
              : undefined,
          )
          b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
            if (!args.path.startsWith(src)) return undefined
            const text = readFileSync(args.path, 'utf8').replaceAll(
              'import.meta.url',
              `new URL(${JSON.stringify(ownUrl(args.path))}, import.meta.url).href`,
            )
            return { contents: text, loader: args.path.endsWith('x') ? 'tsx' : 'ts' }
          })
        },
      },
    ],
  })
  // The URLs above are relative to dist/ itself: code that reads them must not land in a chunk.
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!file.includes(`/${SERVER_DIR}/chunks/`)) continue
    const own = Object.keys(output.inputs).filter(
      (input) => input.startsWith('src/') && readFileSync(join(ROOT, input), 'utf8').includes('import.meta.url'),
    )
    if (own.length > 0) throw new Error(`build: ${own.join(', ')} read import.meta.url but landed in ${file}`)
  }
}

const started = performance.now()
for (const pkg of PACKAGES) await buildPackage(pkg)
await bundleServer()
if (!quiet) console.log('tollgate: dist/main.js bundled')
if (!quiet) console.log(`built in ${Math.round(performance.now() - started)} ms`)
