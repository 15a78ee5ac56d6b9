/**
 * Password hashing: argon2id with the OWASP baseline (19 MiB memory, 2 iterations, 1 lane).
 * Unknown emails are checked against a dummy hash made with the same parameters, so a sign-in
 * for an address we do not know costs the same time as one we do.
 * @module
 */
import type { Algorithm } from '@node-rs/argon2'
import { AppError } from '../../lib/errors.js'

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 256

// 2 = Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot read).
const ARGON2ID = 2 as Algorithm
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

let dummyHash: Promise<string> | undefined

/** The native argon2 binding is loaded on the first password, not at start (cold start, idle memory). */
const argon2 = (): Promise<typeof import('@node-rs/argon2')> => import('@node-rs/argon2')

/**
 * A password outside the policy is a field error like any other the form's validation finds: 422
 * INVALID_REQUEST naming `password`, so a client asking for JSON gets the one envelope every
 * refused form gets, and the register page shows the message beside the form.
 */
export function checkPasswordPolicy(password: string): void {
  const problem =
    password.length < PASSWORD_MIN_LENGTH
      ? `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.`
      : password.length > PASSWORD_MAX_LENGTH
        ? `Choose a password of at most ${PASSWORD_MAX_LENGTH} characters.`
        : undefined
  if (problem === undefined) return
  throw new AppError('INVALID_REQUEST', {
    message: problem,
    details: { formErrors: [], fieldErrors: { password: [problem] } },
  })
}

export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password)
  return (await argon2()).hash(password, OPTIONS)
}

/** Verifies against the stored hash, or burns the same work on a dummy when there is none. */
export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  const { hash, verify } = await argon2()
  dummyHash ??= hash('tollgate-dummy-password', OPTIONS)
  const target = storedHash ?? (await dummyHash)
  const matches = await verify(target, password.slice(0, PASSWORD_MAX_LENGTH)).catch(() => false)
  return matches && storedHash !== null && storedHash !== undefined
}
