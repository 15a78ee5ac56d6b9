/**
 * Paths whose every answer is JSON for a program, never a document for a browser: the API under
 * `/api/` and Stripe's webhook under `/webhooks/`. Errors there are JSON too
 * (web/error-handler.tsx), and their security headers are the non-document set
 * (security-headers.ts). One rule for both, so they cannot drift apart.
 * @module
 */
export function answersInJson(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/webhooks/')
}
