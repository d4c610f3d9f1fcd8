// Money on the wire is WAD (18-decimal integers as decimal strings). These helpers turn it into
// text for people and numbers for charts, and parse what people type back into exact WAD.
import { formatUnits, parseUnits } from 'ethers'

/** 1e18: one whole unit in WAD. */
export const WAD = 10n ** 18n

/** A WAD amount as a float, for charts only (never for money arithmetic). */
export const wadToNumber = (wad: string | bigint): number => Number(formatUnits(BigInt(wad), 18))

/** A WAD amount as text with thousands separators and at most `digits` decimals (rounded toward zero). */
export function formatWad(wad: string | bigint, digits = 2): string {
  const v = BigInt(wad)
  const negative = v < 0n
  const abs = negative ? -v : v
  const whole = abs / WAD
  const scale = 10n ** BigInt(18 - digits)
  const frac = (abs % WAD) / scale
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const fracText = digits > 0 ? `.${frac.toString().padStart(digits, '0')}` : ''
  return `${negative ? '-' : ''}${wholeText}${fracText}`
}

/** Decimals that keep about five significant digits for a price of this size. */
export function priceDigits(wad: string | bigint): number {
  const n = Math.abs(wadToNumber(wad))
  if (n >= 1000) return 2
  if (n >= 1) return 4
  return 6
}

/** A price in WAD as text with sensible decimals. */
export const formatPrice = (wad: string | bigint): string => formatWad(wad, priceDigits(wad))

/**
 * What a person typed as an amount, in WAD; undefined for anything that is not a positive decimal
 * with at most 18 decimals (no exponents, signs or separators: an amount is never guessed).
 */
export function parseAmount(text: string): bigint | undefined {
  const t = text.trim()
  if (!/^\d+(\.\d{0,18})?$|^\.\d{1,18}$/.test(t)) return undefined
  const wad = parseUnits(t.startsWith('.') ? `0${t}` : t, 18)
  return wad > 0n ? wad : undefined
}

/** Basis points as a percentage text: 12.5 → "0.13%". */
export const formatBps = (bps: number): string => `${(bps / 100).toFixed(2)}%`
