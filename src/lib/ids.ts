/**
 * Our ids: `<prefix>_<10 chars of millisecond time><16 random chars>`, Crockford base32, so they
 * sort by creation time as plain text on both dialects. Prefixes never collide with Stripe's.
 * @module
 */
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** The alphabet as bytes: an id's 26 characters are written into a buffer and read out as one string. */
const CHARS = Buffer.from(ALPHABET, 'latin1')
const TIME_CHARS = 10
const RANDOM_CHARS = 16
const ID_CHARS = TIME_CHARS + RANDOM_CHARS
/** Scratch for the id being made (ids are made synchronously, one at a time). */
const scratch = Buffer.allocUnsafe(ID_CHARS)

/**
 * `now` is the creation time in ms, from the injected clock (`deps.clock.now().getTime()`).
 * Every request gets one (its request id): written into a buffer and read out as one flat string,
 * an id costs about half what 26 string concatenations did, which also left a rope for the header
 * writer to flatten.
 */
export function newId(prefix: string, now: number): string {
  checkPrefix(prefix)
  encodeTime(now)
  encodeRandom()
  return `${prefix}_${scratch.toString('latin1', 0, ID_CHARS)}`
}

/**
 * The lowest id `prefix` can have at `ms` or later: every id made before `ms` sorts below it (as
 * text, on every dialect) and every id made at `ms` or later at or above it. For range reads over
 * ids by creation time (the inbox's pruning).
 */
export function firstIdAt(prefix: string, ms: number): string {
  checkPrefix(prefix)
  encodeTime(ms)
  return `${prefix}_${scratch.toString('latin1', 0, TIME_CHARS)}`
}

function checkPrefix(prefix: string): void {
  if (!/^[a-z]{2,5}$/.test(prefix)) throw new Error(`Bad id prefix "${prefix}"`)
}

/** The first TIME_CHARS characters: milliseconds in base32, most significant first. */
function encodeTime(ms: number): void {
  let rest = Math.floor(ms)
  for (let i = TIME_CHARS - 1; i >= 0; i--) {
    scratch[i] = CHARS[rest % 32] as number
    rest = Math.floor(rest / 32)
  }
}

/**
 * Random bytes are drawn from the CSPRNG a few kilobytes at a time, not per id: one call per id
 * cost more than everything else in making it. Each byte is used once; its low five bits pick a
 * character (256 is a multiple of 32, so every character is equally likely).
 */
const POOL_SIZE = 4096
let pool = randomBytes(POOL_SIZE)
let offset = 0

/** The last RANDOM_CHARS characters, random. */
function encodeRandom(): void {
  if (offset + RANDOM_CHARS > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE)
    offset = 0
  }
  for (let i = 0; i < RANDOM_CHARS; i++)
    scratch[TIME_CHARS + i] = CHARS[(pool[offset + i] as number) & 31] as number
  offset += RANDOM_CHARS
}
