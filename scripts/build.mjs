#!/usr/bin/env node
/**
 * `npm run build`: compiles Tollgate (`src/` → `dist/`) and the Stripe emulator package
 * (`packages/stripe-emulator/src/` → its `dist/`) to plain ES modules for `node`, one output file
 * per source file. esbuild transpiles only (no bundling, no type check: `npm run typecheck` does
 * that), so the layout of `dist/` mirrors `src/`: migrations are still discovered by reading their
 * folder, and files read next to the code (the stylesheet, the emulator's shape table) are copied
 * beside it. Tests (`*.test.ts`) are left out. Dependencies stay in node_modules.
 *
 * Usage: node scripts/build.mjs [--quiet]
 */
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
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

const started = performance.now()
for (const pkg of PACKAGES) await buildPackage(pkg)
if (!quiet) console.log(`built in ${Math.round(performance.now() - started)} ms`)
