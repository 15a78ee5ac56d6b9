/**
 * The page frame every server-rendered page shares: header and nav, the test-mode banner, and
 * one stylesheet. Pages call `renderPage(c, { title }, <Body/>)`. The header, title and footer
 * carry the shop's brand (STORE_*): its name or logo, its accent colour as `--accent`, and its
 * support address and legal pages.
 * @module
 */
import type { Context } from 'hono'
import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { AppEnv, SessionCustomer } from '../http/env.js'
import { type Brand, DEFAULT_BRAND } from '../lib/brand.js'
import { escapeHtml, renderHtml } from './render.js'

export type LayoutProps = {
  title: string
  testMode: boolean
  customer?: SessionCustomer
  /** The shop's brand; the demo store's when not given. */
  brand?: Brand
  /** The catalog has members pages: signed-in customers get a "Members" link to their list. */
  membersLink?: boolean
  /** Test mode with euro prices: the banner also gives the emulator's SEPA test IBAN. */
  sepaHint?: boolean
  children?: Child
}

export function Layout(props: LayoutProps): ReturnType<typeof Frame> {
  return <Frame {...props} />
}

function Frame({
  title,
  testMode,
  customer,
  brand = DEFAULT_BRAND,
  membersLink = false,
  sepaHint = false,
  children,
}: LayoutProps) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en" style={`--accent: ${brand.accentColor}`}>
        {raw(
          '<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>' +
            `<title>${escapeHtml(`${title} · ${brand.name}`)}</title>` +
            '<link rel="stylesheet" href="/static/style.css"/><script src="/static/page.js" defer=""></script></head>',
        )}
        <body>
          {testMode ? <TestModeBanner sepaHint={sepaHint} /> : null}
          <header class="site-header">
            <a class="brand" href="/">
              {brand.logoUrl ? <img src={brand.logoUrl} alt={brand.name} height="28" /> : brand.name}
            </a>
            <nav>
              <a href="/">Store</a>
              <a href="/pricing">Pricing</a>
              <a href="/library">Library</a>
              {customer ? (
                <SignedIn customer={customer} membersLink={membersLink} />
              ) : (
                <a href="/login">Sign in</a>
              )}
            </nav>
          </header>
          <main>{children}</main>
          <SiteFooter brand={brand} />
        </body>
      </html>
    </>
  )
}

function SiteFooter({ brand }: { brand: Brand }) {
  return (
    <footer class="site-footer" data-brand={brand.name}>
      <span>{brand.name}</span>
      {brand.supportEmail ? (
        <>
          {' · '}
          <a href={`mailto:${brand.supportEmail}`}>{brand.supportEmail}</a>
        </>
      ) : null}
      {brand.termsUrl ? (
        <>
          {' · '}
          <a href={brand.termsUrl}>Terms</a>
        </>
      ) : null}
      {brand.privacyUrl ? (
        <>
          {' · '}
          <a href={brand.privacyUrl}>Privacy</a>
        </>
      ) : null}
    </footer>
  )
}

/**
 * The same "Members" link for every signed-in customer: the frame is cached per variant, not per
 * customer, so which pages this customer may open is decided on `/members` itself.
 */
function SignedIn({ customer, membersLink }: { customer: SessionCustomer; membersLink: boolean }) {
  return (
    <>
      {membersLink ? <a href="/members">Members</a> : null}
      <a href="/account">Account</a>
      <form method="post" action="/logout" class="inline">
        <button type="submit" class="link" title={customer.email}>
          Sign out
        </button>
      </form>
    </>
  )
}

function TestModeBanner({ sepaHint }: { sepaHint: boolean }) {
  return (
    <div class="test-banner" role="note">
      <strong>Test mode</strong> — no real money moves. Pay with <code>4242 4242 4242 4242</code>, any future
      date, any CVC. Declined: <code>4000 0000 0000 0002</code>. Renewals fail:{' '}
      <code>4000 0000 0000 0341</code>. Chargeback: <code>4000 0000 0000 0259</code>.
      {sepaHint ? (
        <>
          {' '}
          SEPA (euro prices): <code>AT61 1904 3002 3457 3201</code>.
        </>
      ) : null}{' '}
      Emails land in the <a href="/dev/mail">dev mailbox</a>.
    </div>
  )
}

/**
 * Renders a full page with the layout, taking test mode and the customer from the context. The
 * frame is the same for every request but for the title and who is signed in, so it is rendered
 * from the JSX above once per variant, with markers where those go, and filled in as text per
 * request (rendering it per request was about a fifth of a page's time in profiles).
 */
export function renderPage(c: Context<AppEnv>, options: { title: string; status?: number }, body: Child) {
  // Text children are escaped as JSX does everywhere else; the HTML is a promise when an async
  // component is inside. Markup already made (`raw(…)`, a cached page) is used as it is.
  if (isMarkup(body)) return renderMarkupPage(c, options, body as HtmlEscapedString)
  const status = (options.status ?? 200) as 200
  const rendered = renderHtml(body)
  return typeof rendered === 'string'
    ? c.body(pageBytes(c, options.title, Buffer.from(rendered)), status, HTML_HEADERS)
    : c.html(
        rendered.then((html) => pageText(c, options.title, String(html))),
        status,
      )
}

/**
 * `renderPage` for a body of markup already made (`raw(…)`, a members page's cached article),
 * which is always ready at once: the Response itself, never a promise.
 */
export function renderMarkupPage(
  c: Context<AppEnv>,
  options: { title: string; status?: number },
  markup: HtmlEscapedString,
): Response {
  return c.body(
    pageBytes(c, options.title, markupBytes(markup)),
    (options.status ?? 200) as 200,
    HTML_HEADERS,
  )
}

/** The Content-Type of a page sent as bytes, as `c.html()` sends it. */
export const HTML_HEADERS = { 'Content-Type': 'text/html; charset=UTF-8' }

/** The whole page around `bodyHtml` (HTML already made), as `renderPage` answers it. */
export function pageText(c: Context<AppEnv>, title: string, bodyHtml: string): string {
  const { frame, title: pageTitle, email } = frameOfRequest(c, title)
  return frame
    .map((part) => (part === TITLE ? pageTitle : part === EMAIL ? email : part === BODY ? bodyHtml : part))
    .join('')
}

/**
 * The same page as UTF-8 bytes, from the frame's parts kept as bytes: Node would otherwise encode
 * the whole page's text for every response, and a page with any character past U+00FF (the test
 * banner's dash, a product's curly quote) is a two-byte string that costs about three times a
 * one-byte one to encode. Only the title and the email are encoded per request, and a body made
 * once (a members page's cached markup) only once.
 */
function pageBytes(c: Context<AppEnv>, title: string, body: Buffer): Uint8Array<ArrayBuffer> {
  const { frame, title: pageTitle, email } = frameOfRequest(c, title)
  const bytes = frameBytes(frame)
  const parts = frame.map((part, i) =>
    part === TITLE
      ? Buffer.from(pageTitle)
      : part === EMAIL
        ? Buffer.from(email)
        : part === BODY
          ? body
          : (bytes[i] as Buffer),
  )
  // Buffer.concat copies into memory of its own (never a SharedArrayBuffer).
  return Buffer.concat(parts) as Uint8Array<ArrayBuffer>
}

/** This request's frame (text parts and markers) and the escaped text its markers stand for. */
function frameOfRequest(
  c: Context<AppEnv>,
  title: string,
): { frame: string[]; title: string; email: string } {
  const customer = c.get('customer')
  const deps = c.get('deps')
  const { testMode, brand } = deps.config
  return {
    frame: frameFor(brand, {
      testMode,
      signedIn: customer !== undefined,
      membersLink: deps.catalog.pages.length > 0,
      // Only the emulator's SEPA debit takes euros; a store with no euro price has no use for the IBAN.
      sepaHint: testMode && deps.catalog.prices.some((p) => p.currency === 'eur'),
    }),
    title: escapeHtml(`${title} · ${brand.name}`),
    email: escapeHtml(customer?.email ?? ''),
  }
}

/** The frame's parts as bytes, made once per frame. */
const framesAsBytes = new WeakMap<string[], Buffer[]>()

function frameBytes(frame: string[]): Buffer[] {
  let bytes = framesAsBytes.get(frame)
  if (!bytes) {
    bytes = frame.map((part) => Buffer.from(part))
    framesAsBytes.set(frame, bytes)
  }
  return bytes
}

/** Markup's bytes, kept with the markup (a members page's article is the same object every time). */
const markupAsBytes = new WeakMap<object, Buffer>()

function markupBytes(markup: object): Buffer {
  let bytes = markupAsBytes.get(markup)
  if (!bytes) {
    bytes = Buffer.from(String(markup))
    markupAsBytes.set(markup, bytes)
  }
  return bytes
}

/** `raw(…)` text: a String object hono marks as escaped already, with no callbacks to run. */
function isMarkup(node: unknown): boolean {
  const marked = node as { isEscaped?: boolean; callbacks?: unknown[] } | null
  return node instanceof String && marked?.isEscaped === true && !marked.callbacks?.length
}

// Markers put where per-request text goes; no page text contains them (letters only, escaped alike).
const TITLE = 'xTollgateTitleMarkerQ7v'
const EMAIL = 'xTollgateEmailMarkerQ7v'
const BODY = 'xTollgateBodyMarkerQ7v'
const MARKERS = new RegExp(`(${TITLE}|${EMAIL}|${BODY})`)

/** Frames per brand (one per app's config), then per variant. */
const framesByBrand = new WeakMap<Brand, Map<string, string[]>>()

type FrameVariant = { testMode: boolean; signedIn: boolean; membersLink: boolean; sepaHint: boolean }

/** The frame for the brand and variant, as text parts and markers. */
function frameFor(brand: Brand, variant: FrameVariant): string[] {
  const { testMode, signedIn, membersLink, sepaHint } = variant
  let frames = framesByBrand.get(brand)
  if (!frames) {
    frames = new Map()
    framesByBrand.set(brand, frames)
  }
  const key = `${testMode}:${signedIn}:${membersLink}:${sepaHint}`
  let parts = frames.get(key)
  if (!parts) {
    const customer = signedIn
      ? { id: '', email: EMAIL, sessionId: '', signedInAt: '', emailProven: false }
      : undefined
    const html = String(
      renderHtml(
        <Frame
          title={TITLE}
          testMode={testMode}
          customer={customer}
          brand={brand}
          membersLink={membersLink}
          sepaHint={sepaHint}
        >
          {raw(BODY)}
        </Frame>,
      ),
    )
    // The title marker is rendered with the suffix after it; the suffix is filled in with the title.
    parts = html.replace(`${TITLE}${escapeHtml(` · ${brand.name}`)}`, TITLE).split(MARKERS)
    frames.set(key, parts)
  }
  return parts
}
