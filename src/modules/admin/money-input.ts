/** An amount the owner typed in a console form ("4.50"), as minor units of `currency`, or a refusal naming it. */
import { AppError } from '../../lib/errors.js'
import { parseMoney } from '../../lib/money.js'

export function moneyOrRefuse(text: string, currency: string): number {
  try {
    return parseMoney(text, currency)
  } catch {
    throw new AppError('INVALID_REQUEST', {
      message: `"${text}" is not an amount in ${currency.toUpperCase()}.`,
    })
  }
}
