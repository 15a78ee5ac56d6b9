import { startTollgate } from '../../start.js'
import { type Command, parseCommandArgs } from '../command.js'
import { cliConfig } from '../context.js'

export const startCommand: Command = {
  name: 'start',
  usage: 'start',
  summary: 'Start the server (test mode without STRIPE_SECRET_KEY: emulator, demo catalog, demo PDFs)',
  async run(args, io) {
    parseCommandArgs(args, {}, { min: 0, max: 0 })
    const config = cliConfig({ ...io, env: { LOG_LEVEL: 'info', ...io.env } })
    const running = await startTollgate(config)
    io.out(
      `Tollgate is running at ${config.publicUrl}${config.testMode ? ` (test mode, emulator ${running.emulatorUrl})` : ''}`,
    )
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await running.stop()
    return 0
  },
}
