/**
 * What DATABASE_URL may say, read once: a SQLite file, a PostgreSQL URL or a MySQL/MariaDB URL.
 * Anything else (an unknown scheme, a URL without a host or database) is refused with the accepted
 * forms, never taken for a SQLite file name: `mysql://…` once silently became a file `./mysql:/…`.
 * @module
 */

export type DialectName = 'sqlite' | 'postgres' | 'mysql'

export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; url: string }
  | { dialect: 'mysql'; url: string }

export const DATABASE_URL_FORMS =
  'a SQLite file (./data/tollgate.db, sqlite:<path>, file:<path> or :memory:), ' +
  'postgres://user:password@host:5432/database (or postgresql://), ' +
  'or mysql://user:password@host:3306/database (or mariadb://)'

const SCHEMES: Record<string, 'postgres' | 'mysql'> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
}

export class DatabaseUrlError extends Error {
  constructor(problem: string) {
    super(`${problem}; use ${DATABASE_URL_FORMS}`)
    this.name = 'DatabaseUrlError'
  }
}

/** Reads DATABASE_URL, or throws a DatabaseUrlError that names the accepted forms (never the password). */
export function parseDatabaseUrl(value: string): DatabaseTarget {
  const text = value.trim()
  if (text === ':memory:') return { dialect: 'sqlite', path: text }
  const sqlite = /^(?:sqlite|file):(?:\/\/)?(.*)$/i.exec(text)
  if (sqlite) {
    if (!sqlite[1]) throw new DatabaseUrlError(`${text} names no file`)
    return { dialect: 'sqlite', path: sqlite[1] }
  }
  // Two letters or more, so a Windows drive (C:\…) still reads as a path.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(text)?.[1]?.toLowerCase()
  if (scheme === undefined) {
    if (text === '') throw new DatabaseUrlError('is empty')
    return { dialect: 'sqlite', path: text }
  }
  const dialect = SCHEMES[scheme]
  if (!dialect) throw new DatabaseUrlError(`${scheme}: is not a supported database`)
  return { dialect, url: checkServerUrl(text, scheme, dialect) }
}

function checkServerUrl(text: string, scheme: string, dialect: 'postgres' | 'mysql'): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new DatabaseUrlError(`is not a valid ${scheme}:// URL`)
  }
  if (!text.toLowerCase().startsWith(`${url.protocol}//`) || url.hostname === '') {
    throw new DatabaseUrlError(`${scheme}:// URL names no host`)
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''))
  // PostgreSQL falls back to the user's name for the database; MySQL would run with none selected.
  if (dialect === 'mysql' && (database === '' || database.includes('/'))) {
    throw new DatabaseUrlError(`${scheme}:// URL names no database (…@host:3306/<database>)`)
  }
  return text
}
