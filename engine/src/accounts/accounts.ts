// Ledger account names. User accounts are plain ids; everything the engine holds for them or for
// itself has a prefix with a colon, which user ids may not contain, so the two never collide.

/** The outside world: deposits come from it and withdrawals go to it. */
export const WORLD = 'world'
/** Mints LP shares and liquidity-mining rewards (its negative balance is their supply). */
export const ISSUER = 'issuer'
/** The liquidity-mining reward token. */
export const REWARD_ASSET = 'FLX'

/** What a user id may look like: a name, a number or a 0x address. */
export const ACCOUNT_ID = /^[A-Za-z0-9_.-]{1,64}$/
/** What an asset or market symbol may look like. */
export const SYMBOL = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/

/** Where a user's resting orders hold their input. Still the user's collateral. */
export const escrowAccount = (account: string) => `escrow:${account}`
/** A user's synth debt: minted synths are debited here, so its balance is minus the debt. */
export const debtAccount = (account: string) => `debt:${account}`
/** A pool's reserves. */
export const poolAccount = (pool: string) => `pool:${pool}`
/** A market's protocol fees. */
export const feeAccount = (market: string) => `fees:${market}`
/** The LP share token of a pool. */
export const lpAsset = (pool: string) => `LP:${pool}`

/** Accounts allowed below zero: the world, the issuer and debt accounts. */
export function isExternalAccount(account: string): boolean {
  return account === WORLD || account === ISSUER || account.startsWith('debt:')
}
