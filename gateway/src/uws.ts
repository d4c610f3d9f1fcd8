// Loads uWebSockets.js and makes sure the native build is the one running. The npm package
// (@trufflesuite/uws-js-unofficial under the alias "uWebSockets.js") quietly falls back to a slow
// pure-JS server when its binary does not load; a gateway on that fallback would miss every
// latency target without saying so, so we load the binary ourselves and refuse to start otherwise.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type * as Uws from 'uWebSockets.js'
import { NativeUwsUnavailableError } from './errors.js'

/** The uWebSockets.js API (types from the package's docs/index.d.ts). */
export type UwsModule = typeof Uws

const require = createRequire(import.meta.url)
let loaded: UwsModule | undefined

/** The path of the native binary this platform and Node ABI need. */
export function nativeBinaryPath(): string {
  const packageDir = dirname(require.resolve('uWebSockets.js/package.json'))
  return join(packageDir, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`)
}

/**
 * The native uWebSockets.js module. Throws NativeUwsUnavailableError (code UWS_NOT_NATIVE) when
 * the fallback is forced (UWS_USE_FALLBACK) or the binary does not load or does not look native.
 */
export function loadUws(): UwsModule {
  if (loaded) return loaded
  const forced = process.env.UWS_USE_FALLBACK
  if (forced && /^(1|true)$/i.test(forced)) throw new NativeUwsUnavailableError('UWS_USE_FALLBACK is set')
  const path = nativeBinaryPath()
  let native: UwsModule
  try {
    native = require(path) as UwsModule
  } catch (err) {
    throw new NativeUwsUnavailableError(`${path} does not load: ${(err as Error).message}`)
  }
  // The binary registers these natively; the JS fallback has no us_socket_local_port C binding.
  if (typeof native.App !== 'function' || typeof native.us_socket_local_port !== 'function' || typeof native.us_listen_socket_close !== 'function') {
    throw new NativeUwsUnavailableError(`${path} is not the uWS native addon`)
  }
  // The package entry requires the same path, so it must hand back this very module.
  const viaPackage = require('uWebSockets.js') as UwsModule
  if (viaPackage !== native) throw new NativeUwsUnavailableError('the package entry returned a different (fallback) implementation')
  loaded = native
  return native
}
