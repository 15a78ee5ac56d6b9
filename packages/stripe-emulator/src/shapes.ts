/**
 * The runtime half of the shape oracle: compares an object's top-level keys with the required and
 * optional keys the stripe SDK's type declarations give for its `object` type
 * (`stripe-shapes.json`, written by scripts/stripe-shapes.mjs). Used by the emulator's tests on
 * every object it serves and every event it emits.
 * @module
 */
import { readFileSync } from 'node:fs'

type Shape = { required: string[]; optional: string[] }

const SHAPES = JSON.parse(readFileSync(new URL('./stripe-shapes.json', import.meta.url), 'utf8')) as Record<
  string,
  Shape
>

export function knownShapes(): string[] {
  return Object.keys(SHAPES)
}

/** Lists what is wrong with `value` as a Stripe `kind` (default: its own `object`); [] when right. */
export function shapeProblems(value: unknown, kind?: string): string[] {
  if (value === null || typeof value !== 'object') return [`not an object: ${String(value)}`]
  const obj = value as Record<string, unknown>
  const type = kind ?? String(obj.object)
  const shape = SHAPES[type]
  if (!shape) return [`no shape known for '${type}'`]
  const problems: string[] = []
  for (const key of shape.required) if (!(key in obj)) problems.push(`${type}: missing required key '${key}'`)
  for (const key of Object.keys(obj)) {
    if (!shape.required.includes(key) && !shape.optional.includes(key))
      problems.push(`${type}: unknown key '${key}'`)
  }
  if (type === 'event') {
    const inner = (obj.data as { object?: { object?: string } } | undefined)?.object
    if (inner?.object && SHAPES[inner.object]) {
      // Stripe documents that invoice.upcoming's Invoice has no id: it does not exist yet.
      const noId = obj.type === 'invoice.upcoming' ? { id: 'in_upcoming', ...inner } : inner
      problems.push(...shapeProblems(noId))
    }
  }
  return problems
}

/** Throws with every problem listed, so a test failure names each missing or unknown key. */
export function assertStripeShape(value: unknown, kind?: string): void {
  const problems = shapeProblems(value, kind)
  if (problems.length > 0) throw new Error(`Not a Stripe shape:\n  ${problems.join('\n  ')}`)
}
