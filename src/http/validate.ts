/**
 * `validate('form', Schema)`: zValidator with the one shared hook, so every validation failure
 * becomes AppError('INVALID_REQUEST') with the flattened issues, through the same envelope.
 * @module
 */
import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import * as z from 'zod'
import { AppError } from '../lib/errors.js'

export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new AppError('INVALID_REQUEST', {
        details: z.flattenError(result.error as unknown as z.ZodError),
      })
    }
  })
}
