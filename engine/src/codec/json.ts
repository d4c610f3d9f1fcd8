// JSON text with bigints as decimal strings — the encoding of events, snapshots and gateway
// frames. It writes exactly what `JSON.stringify(value, bigintsAsStrings)` writes (a property test
// holds it to that) at about half the cost: the native function calls the replacer for every key
// and value, which made encoding an event body a third of the order path's cost after execution.
// Pieces are collected and joined once, because `+=` builds a rope that costs again when flattened.

/** The replacer this encoding stands for. */
export const bigintsAsStrings = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v)

// Quotes, backslashes, control characters and surrogates (JSON.stringify escapes lone ones).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`)

// `"key":` for each property name seen: events reuse a few dozen. Bounded, as frames and
// snapshots may carry names from outside.
const keyPrefixes = new Map<string, string>()
const MAX_CACHED_KEYS = 4096

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key)
  if (prefix === undefined) {
    prefix = `${quote(key)}:`
    if (keyPrefixes.size < MAX_CACHED_KEYS) keyPrefixes.set(key, prefix)
  }
  return prefix
}

/** JSON text of `value`, bigints as decimal strings. */
export function toJson(value: unknown): string {
  const parts: string[] = []
  return write(value, parts) ? parts.join('') : (undefined as unknown as string) // as JSON.stringify(undefined)
}

// Appends the text of `v`; false where JSON.stringify leaves a value out (undefined, functions, symbols).
function write(v: unknown, parts: string[]): boolean {
  switch (typeof v) {
    case 'string':
      parts.push(quote(v))
      return true
    case 'number':
      parts.push(Number.isFinite(v) ? String(v) : 'null')
      return true
    case 'bigint':
      parts.push(`"${v}"`)
      return true
    case 'boolean':
      parts.push(v ? 'true' : 'false')
      return true
    case 'object': {
      if (v === null) {
        parts.push('null')
        return true
      }
      if (Array.isArray(v)) {
        parts.push('[')
        for (let i = 0; i < v.length; i++) {
          if (i > 0) parts.push(',')
          if (!write(v[i], parts)) parts.push('null')
        }
        parts.push(']')
        return true
      }
      const proto = Object.getPrototypeOf(v)
      // Anything but plain data (Dates, boxed values, toJSON, Maps) takes the native path.
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in v) {
        parts.push(JSON.stringify(v, bigintsAsStrings))
        return true
      }
      parts.push('{')
      let first = true
      for (const key of Object.keys(v)) {
        const field = (v as Record<string, unknown>)[key]
        if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue
        if (!first) parts.push(',')
        parts.push(keyPrefix(key))
        write(field, parts)
        first = false
      }
      parts.push('}')
      return true
    }
    default:
      return false
  }
}

const INTEGER = /^-?\d+$/

/**
 * Parses JSON text and turns the integer strings held by the fields named in `bigintFields`
 * (at any depth) into bigints: what `JSON.parse` with a reviver doing that gives, but walking the
 * parsed value once afterwards, which costs a fraction of V8's reviver protocol.
 */
export function parseJsonWithBigints<T>(text: string, bigintFields: ReadonlySet<string>): T {
  const value: unknown = JSON.parse(text)
  return (typeof value === 'object' && value !== null ? revive(value, bigintFields) : value) as T
}

function revive(node: object, bigintFields: ReadonlySet<string>): object {
  if (Array.isArray(node)) {
    // Elements are keyed by index, never a field name: they are only walked.
    for (const element of node) if (typeof element === 'object' && element !== null) revive(element, bigintFields)
    return node
  }
  const record = node as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const v = record[key]
    if (typeof v === 'string') {
      if (bigintFields.has(key) && INTEGER.test(v)) record[key] = BigInt(v)
    } else if (typeof v === 'object' && v !== null) {
      revive(v, bigintFields)
    }
  }
  return node
}
