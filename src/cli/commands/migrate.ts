import { connectDatabase } from '../../db/connect.js'
import { migrateToLatest } from '../../db/migrate.js'
import type { Command } from '../command.js'
import { cliConfig } from '../context.js'

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'Apply pending database migrations',
  async run(_args, io) {
    const config = cliConfig(io)
    const db = connectDatabase(config.databaseUrl)
    try {
      const applied = await migrateToLatest(db)
      io.out(
        applied.length === 0
          ? 'Database is up to date.'
          : `Applied:\n${applied.map((m) => `  ${m}`).join('\n')}`,
      )
      return 0
    } finally {
      await db.destroy()
    }
  },
}
