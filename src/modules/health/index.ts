/**
 * Operations: is this install healthy and ready (`/healthz`, `/readyz`), and is its configuration
 * sound before going live (`tollgate doctor`'s checks). Owns `worker_heartbeats`, where workers
 * that run outside the serving process (the serverless cron run) record their runs.
 * @module
 */
export { type CheckResult, type CheckStatus, fail, overallStatus, pass, warn } from './check.js'
export { type DoctorInput, runDoctor } from './doctor.js'
export { checkMigrations, checkReadiness, databaseHeartbeat, type HeartbeatCheck } from './readiness.js'
export { upsertHeartbeat } from './repo.js'
export { createHealthRoutes } from './routes.js'
