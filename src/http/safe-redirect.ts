/** Only same-site paths, so `next` cannot send a freshly signed-in buyer elsewhere. */
export function safeNext(next: string | undefined): string | undefined {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined
  return next
}
