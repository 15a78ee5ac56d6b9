import { describe, expect, it } from 'vitest'
import { DATABASE_URL_FORMS, DatabaseUrlError, parseDatabaseUrl } from './database-url.js'

describe('parseDatabaseUrl', () => {
  it('reads SQLite paths, PostgreSQL and MySQL/MariaDB URLs', () => {
    expect(parseDatabaseUrl('./data/tollgate.db')).toEqual({ dialect: 'sqlite', path: './data/tollgate.db' })
    expect(parseDatabaseUrl('/var/lib/tollgate/db.sqlite')).toEqual({
      dialect: 'sqlite',
      path: '/var/lib/tollgate/db.sqlite',
    })
    expect(parseDatabaseUrl(':memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' })
    expect(parseDatabaseUrl('sqlite:./x.db')).toEqual({ dialect: 'sqlite', path: './x.db' })
    expect(parseDatabaseUrl('file:///tmp/x.db')).toEqual({ dialect: 'sqlite', path: '/tmp/x.db' })
    expect(parseDatabaseUrl('C:\\data\\tollgate.db')).toEqual({
      dialect: 'sqlite',
      path: 'C:\\data\\tollgate.db',
    })
    for (const url of ['postgres://u:p@db:5432/shop', 'postgresql://db/shop', 'POSTGRES://db']) {
      expect(parseDatabaseUrl(url)).toEqual({ dialect: 'postgres', url })
    }
    for (const url of ['mysql://root@127.0.0.1:3306/shop', 'mariadb://u:p%40ss@db/shop?ssl=true']) {
      expect(parseDatabaseUrl(url)).toEqual({ dialect: 'mysql', url })
    }
  })

  it('refuses other schemes and malformed URLs, naming the accepted forms and never the password', () => {
    const refused: [string, string][] = [
      ['redis://cache:6379', 'redis: is not a supported database'],
      ['mongodb+srv://u:secret@x/db', 'mongodb+srv: is not a supported database'],
      ['mysql:/db/shop', 'mysql:// URL names no host'],
      ['mysql://', 'mysql:// URL names no host'],
      ['mysql://u:secret@db:3306', 'mysql:// URL names no database'],
      ['mysql://u:secret@db:3306/', 'mysql:// URL names no database'],
      ['mariadb://db/a/b', 'mariadb:// URL names no database'],
      ['postgres:db/shop', 'postgres:// URL names no host'],
      ['postgres://u:secret@db:notaport/shop', 'not a valid postgres:// URL'],
      ['sqlite:', 'names no file'],
      ['   ', 'is empty'],
    ]
    for (const [value, problem] of refused) {
      let error: unknown
      try {
        parseDatabaseUrl(value)
      } catch (err) {
        error = err
      }
      expect(error, value).toBeInstanceOf(DatabaseUrlError)
      const message = (error as Error).message
      expect(message, value).toContain(problem)
      expect(message, value).toContain(DATABASE_URL_FORMS)
      expect(message, value).not.toContain('secret')
      expect(message.split('\n'), value).toHaveLength(1)
    }
  })
})
