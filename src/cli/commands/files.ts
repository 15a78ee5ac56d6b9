/**
 * `tollgate files push`: copies every file the catalog sells from the local disk to object storage
 * (FILES_URL=s3://…), skipping files already there unchanged, and reports each file it cannot find
 * locally. Exit 1 when any file is missing, so a deploy script stops before buyers hit a 404.
 * @module
 */
import { loadConfig } from '../../config.js'
import { createFileStore, fileSize } from '../../lib/file-store.js'
import { loadCatalog } from '../../modules/catalog/index.js'
import { type Command, parseCommandArgs, printJSON, UsageError } from '../command.js'

type Outcome = { id: string; from: string; to: string; result: 'uploaded' | 'unchanged' | 'missing' }

export const filesCommand: Command = {
  name: 'files',
  usage: 'files push [--json]',
  summary: "Upload the catalog's files to object storage (FILES_URL); reports files missing on disk",
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { json: { type: 'boolean' } },
      {
        min: 1,
        max: 1,
        names: ['push'],
      },
    )
    if (positionals[0] !== 'push') throw new UsageError(`unknown subcommand "${positionals[0]}"`)
    const config = loadConfig({ LOG_LEVEL: 'warn', ...io.env })
    const store = createFileStore(config.files)
    if (!store.upload) {
      io.err('FILES_URL is not set: files are served from the local disk, so there is nothing to push.')
      return 1
    }
    const outcomes: Outcome[] = []
    const files = loadCatalog(config.catalogPath).products.flatMap((p) => p.files)
    for (const [index, file] of files.entries()) {
      const outcome: Outcome = { id: file.id, from: file.path, to: store.locate(file), result: 'missing' }
      const size = await fileSize(file.path)
      if (size !== undefined) {
        // Progress on stderr, as backup's: a large file takes a while to compare and send.
        if (!values.json) io.err(`files: ${index + 1}/${files.length} ${file.id} (${megabytes(size)})…`)
        outcome.result = await store.upload(file)
      }
      outcomes.push(outcome)
      if (!values.json)
        io.out(
          `  ${outcome.result.padEnd(9)} ${file.id}  ${outcome.result === 'missing' ? `(no file at ${file.path})` : `→ ${outcome.to}`}`,
        )
    }
    const missing = outcomes.filter((o) => o.result === 'missing')
    if (values.json) printJSON(io, { files: outcomes, missing: missing.length })
    else
      io.out(
        missing.length === 0
          ? `All ${outcomes.length} file(s) are in ${store.description}.`
          : `${missing.length} file(s) missing on disk.`,
      )
    return missing.length === 0 ? 0 : 1
  },
}

const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`
