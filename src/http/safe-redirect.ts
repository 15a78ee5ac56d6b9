/**
 * The one check for a redirect target that came from outside (`?next=`, a form field): only a path
 * on this site passes, so `next` can never send a freshly signed-in buyer elsewhere.
 *
 * Browsers are lenient where we must be strict: they drop tabs and newlines anywhere in a URL, treat
 * `\` like `/`, and read `//host` as another site. So a target is refused when it, or any of its
 * percent-decoded forms, has a control character, a backslash or whitespace, or does not start with
 * exactly one `/`; what passes is re-serialised by the WHATWG URL parser and checked again.
 * @module
 */

/** A base that never resolves anywhere real; a target that leaves it is off-site. */
const BASE = 'http://tollgate.invalid'
const MAX_LENGTH = 2000
/** How many rounds of percent-decoding are inspected (double and triple encodings are classic). */
const DECODE_ROUNDS = 3
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_CHARACTER = /[\u0000-\u0020\u007f-\u00a0\\\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/

/** Returns `next` as a same-site path (`/path?query#hash`), or undefined if it could leave the site. */
export function safeNext(next: string | undefined): string | undefined {
  if (next === undefined || next.length > MAX_LENGTH) return undefined
  let form = next
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (!isPlainPath(form)) return undefined
    const decoded = decodeOnce(form)
    if (decoded === undefined) return undefined
    if (decoded === form) break
    form = decoded
  }
  let url: URL
  try {
    url = new URL(next, BASE)
  } catch {
    return undefined
  }
  if (url.origin !== BASE || url.username !== '' || url.password !== '') return undefined
  const path = `${url.pathname}${url.search}${url.hash}`
  // Dot segments can collapse `/..//host` into `//host`: check what we would actually send.
  return isPlainPath(path) ? path : undefined
}

function isPlainPath(value: string): boolean {
  return value.startsWith('/') && value[1] !== '/' && !UNSAFE_CHARACTER.test(value)
}

function decodeOnce(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined // malformed escapes: nothing we generated
  }
}
