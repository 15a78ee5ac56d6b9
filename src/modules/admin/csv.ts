/** CSV (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number): string => {
    const text = String(v)
    // A leading =, +, - or @ would be a formula in a spreadsheet: prefix it so it stays text.
    const safe = /^[=+\-@]/.test(text) && typeof v === 'string' ? `'${text}` : text
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`
}
