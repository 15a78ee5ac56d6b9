/**
 * Test mode's time is the emulator's time: a CLI command that runs beside `npm start` (say
 * `tollgate grant … --until`) must agree with the server, whose clock follows the emulator. This
 * reads the emulator's clock once over HTTP (`GET /_emulator/clock`, whole seconds) and keeps the
 * offset from the system clock, which is right for a short-lived command. The server and the test
 * harness start the emulator in-process and follow it live (offsetClock over `emulator.clock.now`).
 * @module
 */
import { type Clock, shiftedClock, systemClock } from '../lib/clock.js'

export async function readEmulatorClock(emulatorUrl: string): Promise<Clock> {
  const res = await fetch(new URL('/_emulator/clock', emulatorUrl), { signal: AbortSignal.timeout(5000) })
  if (!res.ok) throw new Error(`The emulator at ${emulatorUrl} answered ${res.status} for its clock`)
  const { now } = (await res.json()) as { now: number }
  const systemSeconds = Math.floor(systemClock.now().getTime() / 1000)
  return shiftedClock(systemClock, (now - systemSeconds) * 1000)
}
