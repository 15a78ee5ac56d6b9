import { runEmulatorCommand } from '../../test-mode/emulator.js'
import type { Command } from '../command.js'

export const emulatorCommand: Command = {
  name: 'emulator',
  usage: 'emulator [options]',
  summary: 'Run the Stripe emulator on its own (see `tollgate emulator --help`)',
  ownHelp: true,
  async run(args) {
    await runEmulatorCommand(args)
    return 0
  },
}
