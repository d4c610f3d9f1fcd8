import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadUws, nativeBinaryPath } from './uws.js'

test('loads the native uWebSockets.js build for this Node ABI', () => {
  const uws = loadUws()
  assert.equal(typeof uws.App, 'function')
  assert.match(nativeBinaryPath(), new RegExp(`uws_${process.platform}_${process.arch}_${process.versions.modules}\\.node$`))
  assert.equal(loadUws(), uws)
})

test('refuses to run on the JS fallback (UWS_USE_FALLBACK) with UWS_NOT_NATIVE', async () => {
  const { spawnSync } = await import('node:child_process')
  const script = `import(${JSON.stringify(new URL('./uws.ts', import.meta.url).href)}).then((m) => { try { m.loadUws(); console.log('loaded') } catch (e) { console.log(e.code) } })`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, UWS_USE_FALLBACK: '1' }, encoding: 'utf8' })
  assert.equal(r.stdout.trim(), 'UWS_NOT_NATIVE', r.stderr)
})
