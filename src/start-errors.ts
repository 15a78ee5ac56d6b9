/**
 * Start-up failures an operator caused by a setting (a port in use, a host that is not this
 * machine's, a data folder that cannot be written) as one line naming the setting, instead of a
 * Node stack trace. Anything else is left as it was.
 * @module
 */
import { dirname } from 'node:path'
import type { Config } from './config.js'

/** A start that failed on a setting; `code` keeps the system error's (EADDRINUSE, EACCES…). */
export class StartupError extends Error {
  readonly code: string
  constructor(message: string, cause: NodeJS.ErrnoException) {
    super(message, { cause })
    this.name = 'StartupError'
    this.code = cause.code ?? 'UNKNOWN'
  }
}

type SystemError = NodeJS.ErrnoException & { port?: number; hostname?: string }

const FILE_ERRORS = new Set(['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'ENOSPC', 'EEXIST', 'EISDIR'])

export function explainStartupError(err: unknown, config: Config, emulatorPort: number | undefined): unknown {
  if (!(err instanceof Error) || typeof (err as SystemError).code !== 'string') return err
  const e = err as SystemError
  const message = describe(e, config, emulatorPort)
  return message ? new StartupError(message, e) : err
}

function describe(e: SystemError, config: Config, emulatorPort: number | undefined): string | undefined {
  const portSetting =
    e.port === config.port ? 'PORT' : e.port === emulatorPort ? 'STRIPE_EMULATOR_PORT' : undefined
  if (e.code === 'EADDRINUSE' && portSetting)
    return `${portSetting}: port ${e.port} is already in use on ${config.host}; stop what listens there, or set ${portSetting} to a free port`
  if (e.syscall === 'listen' && e.code === 'EACCES' && portSetting)
    return `${portSetting}: port ${e.port} needs more privileges than this user has (ports below 1024); use a higher port behind a proxy`
  if (e.code === 'EADDRNOTAVAIL')
    return `HOST: ${config.host} is not an address of this machine (0.0.0.0 listens on every interface, 127.0.0.1 on this machine only)`
  if ((e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') && e.hostname === config.host)
    return `HOST: "${config.host}" does not resolve to an address of this machine (0.0.0.0 listens on every interface, 127.0.0.1 on this machine only)`
  if (e.code && FILE_ERRORS.has(e.code) && e.path) {
    if (isInside(e.path, config.dataDir))
      return `DATA_DIR: cannot write ${e.path} (${e.code}); DATA_DIR must be a folder this user can write`
    if (isInside(e.path, dirname(config.catalogPath)))
      return `CATALOG: cannot write the demo files next to the catalog, at ${e.path} (${e.code}); put the catalog in a folder this user can write`
  }
  return undefined
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`) || folder.startsWith(`${path}/`)
}
