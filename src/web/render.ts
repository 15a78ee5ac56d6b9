/**
 * JSX to HTML text, as hono/jsx's `toString()` renders it, without its render context. That
 * context (for `useContext` across an `await` in an async component, which no page of ours uses)
 * runs every render inside an `AsyncLocalStorage`; on Node 20 the first such run turns on
 * async_hooks' promise hooks for the rest of the process, so every promise of every request
 * (middleware, database, response) paid for it: a seventh of a gated page's CPU time in profiles.
 * Every page and fragment we render goes through `renderHtml`, and `render.test.tsx` holds the
 * pages to never starting an AsyncLocalStorage.
 *
 * hono/jsx also renders some elements through a context of their own: `<head>` and `<svg>` (a
 * namespace context), and `<title>`, `<meta>`, `<link>`, `<script>` and `<style>` (hoisted into
 * the head). Pages write those as markup (`raw`, text escaped with `escapeHtml`) instead.
 * @module
 */
import { Fragment, jsx } from 'hono/jsx'
import { raw, resolveCallbackSync, stringBufferToString } from 'hono/utils/html'

/** What hono/jsx nodes (elements, fragments, components) render themselves into. */
type Renderable = { toStringToBuffer(buffer: string[]): void }

/**
 * The HTML of a JSX node, or of any JSX child (text is escaped); a promise when an async component
 * is inside.
 */
export function renderHtml(node: unknown): string | Promise<string> {
  const root = isRenderable(node) ? node : (jsx(Fragment, { children: node }) as unknown as Renderable)
  const buffer: string[] & { callbacks?: [] } = ['']
  root.toStringToBuffer(buffer)
  if (buffer.length === 1) {
    return buffer.callbacks
      ? String(resolveCallbackSync(raw(buffer[0], buffer.callbacks)))
      : (buffer[0] as string)
  }
  return stringBufferToString(buffer, buffer.callbacks).then(String)
}

/**
 * The escaping hono/jsx applies to text and attribute values. Most text (a page's title, an email)
 * has nothing to escape, and finding that out with a test is about a quarter of what a replace
 * with a callback costs (2 per page view: 1.5 k instructions each under callgrind).
 */
export function escapeHtml(text: string): string {
  return NEEDS_ESCAPING.test(text) ? text.replace(ESCAPABLE, (ch) => ESCAPES[ch] as string) : text
}
const NEEDS_ESCAPING = /[&<>"']/
const ESCAPABLE = /[&<>"']/g
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function isRenderable(node: unknown): node is Renderable {
  return (
    typeof node === 'object' &&
    node !== null &&
    typeof (node as Partial<Renderable>).toStringToBuffer === 'function'
  )
}
