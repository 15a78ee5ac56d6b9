import { runEmulatorCommand } from '../../test-mode/emulator.js'
import { type Command, UsageError } from '../command.js'

export const emulatorCommand: Command = {
  name: 'emulator',
  usage: 'emulator [options] | advance <duration> | reset',
  summary: 'Run the Stripe emulator on its own (see `tollgate emulator --help`)',
  ownHelp: true,
  async run(args) {
    const refused = await runEmulatorCommand(args)
    if (refused !== undefined) throw new UsageError(refused)
    return 0
  },
}
