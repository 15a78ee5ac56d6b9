/**
 * `tollgate doctor`: checks a configuration before going live and prints a checklist with a fix
 * for each problem; exit 1 when anything fails (warnings alone pass). It changes nothing: no
 * migration, no sync.
 * @module
 */
import { HANDLED_EVENT_TYPES } from '../../event-handlers.js'
import { type CheckResult, overallStatus, runDoctor } from '../../modules/health/index.js'
import { type Command, parseCommandArgs, printJSON } from '../command.js'
import { cliConfig, openCliDeps } from '../context.js'

const MARKS = { pass: '✓', warn: '!', fail: '✗' } as const

export const doctorCommand: Command = {
  name: 'doctor',
  usage: 'doctor [--json]',
  summary:
    'Check the configuration before going live (Stripe keys and webhook, URL, mail, database, files, secrets)',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, { min: 0, max: 0 })
    const config = cliConfig(io)
    const opened = await openCliDeps(config)
    try {
      const results = await runDoctor(opened.deps, { neededEvents: HANDLED_EVENT_TYPES })
      const status = overallStatus(results)
      if (values.json) printJSON(io, { status, checks: results })
      else io.out(formatChecklist(results, config.testMode ? 'test mode' : config.publicUrl))
      return status === 'fail' ? 1 : 0
    } finally {
      await opened.close()
    }
  },
}

export function formatChecklist(results: CheckResult[], subject: string): string {
  const width = Math.max(...results.map((r) => r.name.length))
  const lines = [`Tollgate doctor — ${subject}`, '']
  for (const r of results) {
    lines.push(`  ${MARKS[r.status]} ${r.name.padEnd(width)}  ${r.detail}`)
    if (r.fix && r.status !== 'pass') lines.push(`    ${' '.repeat(width)}  fix: ${r.fix}`)
  }
  const failed = results.filter((r) => r.status === 'fail').length
  const warned = results.filter((r) => r.status === 'warn').length
  lines.push(
    '',
    failed === 0
      ? `Ready${warned > 0 ? `, with ${warned} warning(s)` : ''}.`
      : `${failed} problem(s) to fix before going live.`,
  )
  return lines.join('\n')
}
