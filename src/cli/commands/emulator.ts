import type { Command } from '../command.js'

export const emulatorCommand: Command = {
  name: 'emulator',
  usage: 'emulator [options]',
  summary: 'Run the Stripe emulator on its own (see `tollgate emulator --help`)',
  async run(args) {
    const { runEmulatorCli } = await import('../../emulator/cli.js')
    const code = await runEmulatorCli(args)
    return typeof code === 'number' ? code : 0
  },
}
