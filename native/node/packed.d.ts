/** Packs u128 amounts as two little-endian 64-bit words each, for the batch calls. Throws INVALID_INPUT outside [0, 2^128 − 1]. */
export declare function packU128(values: readonly bigint[]): BigUint64Array
/** Unpacks a batch result of two little-endian 64-bit words per value. */
export declare function unpackU128(words: BigUint64Array): bigint[]
