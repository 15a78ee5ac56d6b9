/**
 * Loads catalog.yaml into a validated Catalog. Every problem is reported at once with its line
 * and column: `catalog.yaml:14:7 prices[0].currency: must be a lower-case ISO currency code`.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { type Document, LineCounter, parseDocument } from 'yaml'
import { buildCatalog } from './build.js'
import { CatalogInput } from './schema.js'
import type { Catalog, Problem } from './types.js'

export type { Problem } from './types.js'

export class CatalogError extends Error {
  readonly problems: readonly string[]
  constructor(problems: string[]) {
    super(`Invalid catalog:\n${problems.map((p) => `  ${p}`).join('\n')}`)
    this.name = 'CatalogError'
    this.problems = problems
  }
}

export function loadCatalog(path: string): Catalog {
  const absolute = resolve(path)
  if (!existsSync(absolute))
    throw new CatalogError([`${absolute}: no catalog file here (set CATALOG to its path)`])
  return parseCatalog(readFileSync(absolute, 'utf8'), absolute)
}

/** Parses catalog text; `source` names the file in messages and anchors relative file paths. */
export function parseCatalog(text: string, source: string): Catalog {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const label = relative(process.cwd(), source) || source
  if (doc.errors.length > 0) {
    throw new CatalogError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0])
        return `${label}:${pos.line}:${pos.col} ${e.message.split('\n')[0]}`
      }),
    )
  }
  // A missing field reads "is required", not Zod's "expected string, received undefined".
  const parsed = CatalogInput.safeParse(toPlainData(doc, label) ?? {}, {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined,
  })
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message }))
  const built = parsed.success ? buildCatalog(parsed.data, source, dirname(source)) : undefined
  if (built) problems.push(...built.problems)
  if (problems.length > 0 || !built) {
    throw new CatalogError(
      problems.map((p) => `${locate(doc, lines, label, p.path)} ${formatPath(p.path)}: ${p.message}`),
    )
  }
  return built.catalog
}

/**
 * The document as plain data. An alias to an anchor defined later (`*a` first), or more aliases
 * than the yaml library's limit (a "billion laughs" document), throws there, not as a parse error.
 */
function toPlainData(doc: Document, label: string): unknown {
  try {
    return doc.toJS()
  } catch (err) {
    throw new CatalogError([`${label}:1:1 ${(err as Error).message.split('\n')[0]}`])
  }
}

/** `file:line:col` of the deepest node on the path that exists in the document. */
function locate(doc: Document, lines: LineCounter, label: string, path: (string | number)[]): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined
    if (node?.range) {
      const pos = lines.linePos(node.range[0])
      return `${label}:${pos.line}:${pos.col}`
    }
  }
  return `${label}:1:1`
}

export function formatPath(path: (string | number)[]): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`
  return out || '(root)'
}
