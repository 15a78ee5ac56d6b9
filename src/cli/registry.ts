/**
 * Every `npx tollgate` command, in the order `tollgate help` lists them. Commands are edges: each
 * parses its flags strictly, opens its deps and transactions, and calls modules' public faces.
 */
import type { Command } from './command.js'
import { apiKeyCommand } from './commands/api-key.js'
import { backupCommand, restoreCommand } from './commands/backup.js'
import { couponsCommand } from './commands/coupons.js'
import { customersCommand } from './commands/customers.js'
import { doctorCommand } from './commands/doctor.js'
import { emulatorCommand } from './commands/emulator.js'
import { filesCommand } from './commands/files.js'
import { grantCommand, revokeCommand } from './commands/grant.js'
import { inboxCommand } from './commands/inbox.js'
import { keysCommand } from './commands/keys.js'
import { metricsCommand } from './commands/metrics.js'
import { migrateCommand } from './commands/migrate.js'
import { refundCommand } from './commands/refund.js'
import { startCommand } from './commands/start.js'
import { subscriptionsCommand } from './commands/subscriptions.js'
import { syncCommand } from './commands/sync.js'
import { webhooksCommand } from './commands/webhooks.js'

export const COMMANDS: Command[] = [
  startCommand,
  migrateCommand,
  syncCommand,
  filesCommand,
  doctorCommand,
  emulatorCommand,
  grantCommand,
  revokeCommand,
  apiKeyCommand,
  keysCommand,
  backupCommand,
  restoreCommand,
  webhooksCommand,
  inboxCommand,
  metricsCommand,
  customersCommand,
  refundCommand,
  subscriptionsCommand,
  couponsCommand,
  // The console calls the inbox "events"; the same command under that name.
  {
    ...inboxCommand,
    name: 'events',
    usage: 'events [list | replay <evt_id> | replay --failing | recover] [--json]',
  },
]
