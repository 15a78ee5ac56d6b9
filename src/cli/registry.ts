/** Every `npx tollgate` command; modules add their command here (one import + one entry). */
import type { Command } from './command.js'
import { emulatorCommand } from './commands/emulator.js'
import { migrateCommand } from './commands/migrate.js'
import { startCommand } from './commands/start.js'
import { syncCommand } from './commands/sync.js'
import { apiKeyCommand } from '../modules/api-access/cli.js'
import { grantCommand, revokeCommand } from '../modules/members/cli.js'
import { inboxCommand } from '../modules/webhooks/cli.js'

export const COMMANDS: Command[] = [
  startCommand,
  migrateCommand,
  syncCommand,
  emulatorCommand,
  grantCommand,
  revokeCommand,
  apiKeyCommand,
  inboxCommand,
]
