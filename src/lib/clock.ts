/**
 * Time is a dependency: domain code asks `deps.clock.now()`, never `Date.now()`, so tests and the
 * emulator's clock can move it. Stored times are ISO-8601 UTC text (see src/db/README.md).
 * @module
 */

export type Clock = { now(): Date }

export const systemClock: Clock = { now: () => new Date() }

/** `base` moved by a fixed offset (e.g. the emulator's clock read once, for a CLI command). */
export function shiftedClock(base: Clock, offsetMs: number): Clock {
  return { now: () => new Date(base.now().getTime() + offsetMs) }
}

/**
 * A strictly increasing wall-clock stamp for ordering reads within a process (not domain time):
 * a later call always compares newer, even when the app clock is offset or moved by tests.
 */
export function monotonicStamp(): Date {
  lastStampMs = Math.max(Date.now(), lastStampMs + 1)
  return new Date(lastStampMs)
}

let lastStampMs = 0

/** A clock that only moves when told to, for unit tests. */
export type ManualClock = Clock & { set(date: Date): void; advance(ms: number): void }

export function createManualClock(start: Date = new Date('2026-01-01T00:00:00.000Z')): ManualClock {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    set: (date) => {
      current = date.getTime()
    },
    advance: (ms) => {
      current += ms
    },
  }
}

/** A clock that follows a source of unix seconds (the emulator's clock) at millisecond resolution. */
export function offsetClock(sourceSeconds: () => number): Clock {
  return {
    now: () => {
      // The source is whole seconds (the floor of its own now); comparing it with the floor of ours
      // keeps the offset constant, so this clock never steps backwards inside a second. Re-read if a
      // second boundary passed while asking the source.
      for (;;) {
        const before = Date.now()
        const source = sourceSeconds()
        const real = Date.now()
        if (Math.floor(before / 1000) !== Math.floor(real / 1000)) continue
        return new Date(real + (source - Math.floor(real / 1000)) * 1000)
      }
    },
  }
}

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ`: the one text form times take in the database, `date.toISOString()`.
 * Put together from the date's UTC fields for years 1000 to 9999: V8 formats `toISOString` through
 * `vsnprintf`, about 7,000 instructions a call, where this takes a few hundred. Other years (six
 * digits and a sign) and invalid dates (which throw) are `toISOString`'s own; clock.test.ts holds
 * the two to the same text.
 */
export function toDbTime(date: Date): string {
  const year = date.getUTCFullYear()
  // NaN (an invalid date) fails both comparisons.
  if (!(year >= 1000 && year <= 9999)) return date.toISOString()
  const ms = date.getUTCMilliseconds()
  return `${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}T${twoDigits(
    date.getUTCHours(),
  )}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}.${
    ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms
  }Z`
}

let lastIsoMs = Number.NaN
let lastIso = ''

/**
 * `toDbTime(date)`, remembered for the last millisecond asked: a signed-in request asks it for
 * its session and each grant check, and many requests fall in one millisecond. (An invalid date
 * still throws.)
 */
export function dbTimeOf(date: Date): string {
  const ms = date.getTime()
  if (ms !== lastIsoMs) {
    lastIso = toDbTime(date)
    lastIsoMs = ms
  }
  return lastIso
}

export function fromDbTime(text: string): Date {
  return new Date(text)
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000)
}

/**
 * `YYYY-MM-DD` as midnight UTC of that day, or undefined when the text is not a day of the
 * calendar: `new Date` would take 2026-02-30 for March 2 without a word.
 */
export function parseCalendarDay(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined
  const date = new Date(`${text}T00:00:00.000Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? date : undefined
}

/** Stripe sends unix seconds. */
export function fromUnixSeconds(seconds: number): Date {
  return new Date(seconds * 1000)
}
