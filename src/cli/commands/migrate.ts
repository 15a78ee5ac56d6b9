import { connectDatabase } from '../../db/connect.js'
import { migrateToLatest } from '../../db/migrate.js'
import { describeDatabase, waitForDatabase } from '../../db/wait.js'
import { createLogger } from '../../deps.js'
import { type Command, parseCommandArgs, printJSON } from '../command.js'
import { cliConfig } from '../context.js'

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate [--json]',
  summary: 'Apply pending database migrations',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, { min: 0, max: 0 })
    const config = cliConfig(io)
    const db = connectDatabase(config.databaseUrl, { preparedStatements: config.databasePreparedStatements })
    try {
      // Progress on stderr, so that --json output stays one document.
      await waitForDatabase(db, describeDatabase(config.databaseUrl), {
        log: createLogger(config, process.stderr),
      })
      const applied = await migrateToLatest(db)
      if (values.json) printJSON(io, { applied })
      else
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
