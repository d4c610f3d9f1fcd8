// Oracle prices are exact integers with 18 decimals (WAD), parsed from decimal strings without
// passing through floating point.

/** One unit in the engine's price scale (18 decimals). */
export const PRICE_ONE = 10n ** 18n

const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/** Parses a non-negative decimal string ("2486.69") to WAD, truncating beyond 18 decimals. */
export function parsePrice(text: string): bigint {
  const m = DECIMAL.exec(text.trim())
  if (!m) throw new RangeError(`not a decimal price: ${JSON.stringify(text)}`)
  const fraction = (m[2] ?? '').slice(0, 18).padEnd(18, '0')
  return BigInt(m[1]!) * PRICE_ONE + BigInt(fraction)
}

/** Formats a WAD price as a decimal string with `decimals` places (rounded down). */
export function formatPrice(price: bigint, decimals = 2): string {
  const sign = price < 0n ? '-' : ''
  const abs = price < 0n ? -price : price
  const whole = abs / PRICE_ONE
  const fraction = (abs % PRICE_ONE).toString().padStart(18, '0').slice(0, decimals)
  return decimals > 0 ? `${sign}${whole}.${fraction}` : `${sign}${whole}`
}

/** A float price (simulation, analytics) as WAD, rounded to 8 decimals like Chainlink USD feeds. */
export function priceFromNumber(value: number): bigint {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`price must be a positive finite number, got ${value}`)
  return BigInt(Math.round(value * 1e8)) * 10n ** 10n
}

/** A WAD price as a float, for analytics only. */
export function priceToNumber(price: bigint): number {
  return Number(price) / 1e18
}
