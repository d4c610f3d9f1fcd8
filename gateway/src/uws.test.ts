import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadUws, nativeBinaryPath } from './uws.js'

test('loads the native uWebSockets.js build for this Node ABI', () => {
  const uws = loadUws()
  assert.equal(typeof uws.App, 'function')
  assert.match(nativeBinaryPath(), new RegExp(`uws_${process.platform}_${process.arch}_${process.versions.modules}\\.node$`))
  assert.equal(loadUws(), uws)
})
