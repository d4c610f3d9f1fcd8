'use strict'
// The package entry: the generated binding (index.js), with one change. napi-rs refuses a value
// of the wrong JS type before our Rust code runs, and reports it with its own status codes
// (InvalidArg, NumberExpected, ...) or, for some conversions, with a plain V8 TypeError. Those are
// re-coded here as INVALID_INPUT, so every error this package throws carries one of the documented
// codes; napi's code, if any, is kept as `napiCode`. (The Rust side codes every error it raises.)

const binding = require('./index.js')

const NAPI_ARGUMENT_CODES = new Set([
  'InvalidArg',
  'ObjectExpected',
  'StringExpected',
  'StringContainsNull',
  'FunctionExpected',
  'NumberExpected',
  'BooleanExpected',
  'ArrayExpected',
  'BigintExpected',
  'DateExpected',
  'ArrayBufferExpected',
  'DetachableArraybufferExpected',
])

function recode(err) {
  if (err instanceof Error && (err.code === undefined || NAPI_ARGUMENT_CODES.has(err.code))) {
    err.napiCode = err.code
    err.code = 'INVALID_INPUT'
  }
  return err
}

function wrapFunction(fn) {
  // `arguments` with Reflect.apply rather than rest parameters: V8 then passes the arguments
  // through without building an array (this wrapper runs on every native call).
  const wrapped = function () {
    try {
      return Reflect.apply(fn, this, arguments)
    } catch (err) {
      throw recode(err)
    }
  }
  Object.defineProperty(wrapped, 'name', { value: fn.name })
  return wrapped
}

function isClass(value) {
  return typeof value === 'function' && value.prototype !== undefined && Object.getOwnPropertyNames(value.prototype).length > 1
}

function wrapClass(cls) {
  for (const key of Object.getOwnPropertyNames(cls.prototype)) {
    const d = Object.getOwnPropertyDescriptor(cls.prototype, key)
    if (key === 'constructor' || typeof d.value !== 'function') continue
    Object.defineProperty(cls.prototype, key, { ...d, value: wrapFunction(d.value) })
  }
  for (const key of Object.getOwnPropertyNames(cls)) {
    const d = Object.getOwnPropertyDescriptor(cls, key)
    if (typeof d.value === 'function' && d.writable) Object.defineProperty(cls, key, { ...d, value: wrapFunction(d.value) })
  }
  // Instances stay genuine native objects (instanceof and methods work); only `new` is guarded.
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      try {
        return Reflect.construct(target, args, newTarget)
      } catch (err) {
        throw recode(err)
      }
    },
  })
}

// The binding's exports object is updated in place and re-exported whole, so Node can still read
// its export names statically (ESM `import { x } from '@fluxion/native'`).
for (const [name, value] of Object.entries(binding)) {
  if (isClass(value)) binding[name] = wrapClass(value)
  else if (typeof value === 'function') binding[name] = wrapFunction(value)
}
module.exports = require('./index.js')
