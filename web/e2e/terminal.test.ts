// End to end through Debian's Chromium: `npm start`'s own program (temp data dir, any free port,
// lowered rate) serves the terminal; the browser signs in with the development wallet, watches
// prices move, is refused past its slippage, swaps, and sees the fill, the new balance and the
// trade on the chart, then rests a limit order and cancels it; with cancel-on-disconnect turned
// on, a resting order goes when the tab closes. Screenshots go to test-output/ (laptop and phone).
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, test } from 'node:test'
import { getBytes, Wallet } from 'ethers'
import { chromium, type Browser, type Page } from 'playwright-core'

const root = join(import.meta.dirname, '..', '..')
const program = join(root, 'gateway', 'src', 'cli', 'start.ts')
const output = join(root, 'test-output')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']

let dir: string
let child: ChildProcess
let browser: Browser
let url: string
let log = ''

/** Starts the program and resolves with the terminal URL from its banner. */
function startTerminal(): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', program, '--data-dir', join(dir, 'data'), '--port', '0', '--rate', '20', '--takers', '5', '--seed', '11', '--quiet'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()))
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${log}`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log += `${line}\n`
      const m = /^\s+terminal: (http:\/\/\S+)$/.exec(line)
      if (m) resolve(m[1]!)
    })
  })
}

before(async () => {
  // A fresh clone has web/dist from postinstall; build it here when a developer has not.
  if (!existsSync(join(root, 'web', 'dist', 'index.html'))) {
    const built = spawnSync('npm', ['run', 'build', '--workspace', '@fluxion/web'], { cwd: root, stdio: 'inherit' })
    assert.equal(built.status, 0, 'vite build failed')
  }
  dir = mkdtempSync(join(tmpdir(), 'fluxion-e2e-'))
  mkdirSync(output, { recursive: true })
  url = await startTerminal()
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS })
})

after(async () => {
  await browser?.close()
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent()) ?? ''
const amountOf = (t: string) => Number(t.replace(/,/g, ''))

test('terminal: dev wallet sign-in, live prices, slippage refusal, a swap filled on the chart, a limit order cancelled, cancel-on-disconnect', { timeout: 240_000 }, async () => {
  // A context of its own: a second tab of the same browser (cookie, localStorage) comes later.
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && pageErrors.push(m.text()))
  await page.goto(url)

  // Prices arrive and move (the demo's oracle feeds, through the `markets` channel).
  const price = page.getByTestId('price-sETH')
  await price.waitFor({ timeout: 30_000 })
  const first = await price.textContent()
  await page.waitForFunction((p) => document.querySelector('[data-testid="price-sETH"]')?.textContent !== p, first, { timeout: 30_000 })
  assert.equal(await text(page, 'connection'), 'open')
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="depth-chart"]')?.getAttribute('data-levels')) > 0, null, { timeout: 30_000 })

  // Signed out, the ticket does not submit.
  assert.equal(await text(page, 'submit'), 'sign in to trade')

  // Sign in with the development wallet (SIWE), fund it from the faucet.
  await page.getByTestId('sign-in-dev').click()
  await page.getByTestId('account').waitFor({ timeout: 15_000 })
  const address = await page.evaluate(() => localStorage.getItem('fluxion.devWallet'))
  assert.match(address ?? '', /^0x[0-9a-f]{64}$/, 'the development wallet key is kept in localStorage')
  await page.getByTestId('faucet').click()
  await page.waitForFunction(() => document.querySelector('[data-testid="balance-fUSD"]')?.textContent === '100,000.00', null, { timeout: 15_000 })

  // A large buy at a 0.01% slippage: refused exactly when the live quote's impact exceeds it.
  await page.getByTestId('amount').fill('99000')
  await page.getByTestId('slippage').fill('0.01')
  await page.waitForFunction(() => document.querySelector('[data-testid="quote-impact"]')?.textContent !== '—', null, { timeout: 15_000 })
  const impact = Number((await text(page, 'quote-impact')).replace('%', ''))
  const label = await text(page, 'submit')
  if (impact > 0.01) {
    assert.match(label, /exceeds your slippage of 0\.01%/)
    assert.ok(await page.getByTestId('submit').isDisabled())
  } else assert.doesNotMatch(label, /exceeds/)

  // A 1,000 fUSD market buy at 5% slippage: quoted live, filled, shown.
  await page.getByTestId('slippage').fill('5')
  await page.getByTestId('amount').fill('1000')
  await page.waitForFunction(() => document.querySelector('[data-testid="submit"]')?.textContent === 'Buy sETH', null, { timeout: 15_000 })
  assert.match(await text(page, 'quote-out'), /^\d[\d,]*\.\d{6} sETH$/)
  assert.match(await text(page, 'quote-min'), /^\d[\d,]*\.\d{6} sETH$/)
  assert.match(await text(page, 'quote-fee'), /^\d[\d,]*\.\d{6} (fUSD|sETH)( \+ \d[\d,]*\.\d{6} sETH)?$/)
  assert.match(await text(page, 'quote-impact'), /^-?\d+\.\d{2}%$/)
  await page.getByTestId('submit').click()
  await page.getByTestId('order-outcome').waitFor({ timeout: 15_000 })
  assert.match(await text(page, 'order-outcome'), /^o\d+ filled$/)
  const orderId = (await text(page, 'order-outcome')).split(' ')[0]!
  // How long the order took, and the venue's share of it (the answer's usDiff).
  const latency = /^round trip (\d+\.\d) ms · venue (\d+\.\d) ms$/.exec(await text(page, 'order-latency'))
  assert.ok(latency, await text(page, 'order-latency'))
  assert.ok(Number(latency[2]) > 0 && Number(latency[2]) <= Number(latency[1]) + 0.1, latency[0])

  // The fill, the new balances, the trade marked on the chart.
  await page.getByTestId('fills').getByText(orderId).waitFor({ timeout: 15_000 })
  await page.waitForFunction(() => document.querySelector('[data-testid="balance-fUSD"]')?.textContent === '99,000.00', null, { timeout: 15_000 })
  assert.ok(amountOf(await text(page, 'balance-sETH')) > 0, 'bought sETH is in the account')
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="price-chart"]')?.getAttribute('data-fill-marks')) >= 1, null, { timeout: 15_000 })
  assert.ok((await page.locator('[data-testid="price-chart"] .fill-mark').count()) >= 1, 'the fill is drawn on the chart')
  assert.ok(Number(await page.getByTestId('price-chart').getAttribute('data-candles')) >= 1)

  // A limit buy far below the market rests (its fUSD in escrow), shows in open orders, and cancels.
  await page.getByTestId('kind-limit').click()
  await page.getByTestId('amount').fill('500')
  await page.getByTestId('limit-price').fill('100')
  await page.waitForFunction(() => document.querySelector('[data-testid="submit"]')?.textContent === 'Buy sETH', null, { timeout: 15_000 })
  await page.getByTestId('submit').click()
  await page.waitForFunction(() => / resting$/.test(document.querySelector('[data-testid="order-outcome"]')?.textContent ?? ''), null, { timeout: 15_000 })
  const resting = (await text(page, 'order-outcome')).split(' ')[0]!
  await page.getByTestId(`cancel-${resting}`).waitFor({ timeout: 15_000 })
  await page.waitForFunction(() => document.querySelector('[data-testid="balance-fUSD"]')?.textContent === '98,500.00', null, { timeout: 15_000 })
  await page.getByTestId(`cancel-${resting}`).click()
  await page.getByTestId(`cancel-${resting}`).waitFor({ state: 'detached', timeout: 15_000 })
  await page.waitForFunction(() => document.querySelector('[data-testid="balance-fUSD"]')?.textContent === '99,000.00', null, { timeout: 15_000 })
  await page.getByTestId('amount').fill('')

  // Cancel-on-disconnect is off by default; turned on (the gateway confirms it for this
  // connection), a resting order goes when the tab is closed.
  const setting = page.getByTestId('cancel-on-disconnect')
  assert.equal(await setting.isChecked(), false, 'off by default')
  await page.waitForFunction(() => document.querySelector('[data-testid="cancel-on-disconnect-state"]')?.textContent === 'off', null, { timeout: 15_000 })
  await setting.check()
  await page.waitForFunction(() => document.querySelector('[data-testid="cancel-on-disconnect-state"]')?.textContent === 'on', null, { timeout: 15_000 })
  await page.getByTestId('amount').fill('500')
  await page.getByTestId('limit-price').fill('100')
  await page.waitForFunction(() => document.querySelector('[data-testid="submit"]')?.textContent === 'Buy sETH', null, { timeout: 15_000 })
  await page.getByTestId('submit').click()
  await page.waitForFunction((done) => / resting$/.test(document.querySelector('[data-testid="order-outcome"]')?.textContent ?? '') && !document.querySelector('[data-testid="order-outcome"]')?.textContent?.startsWith(`${done} `), resting, { timeout: 15_000 })
  const orphan = (await text(page, 'order-outcome')).split(' ')[0]!
  await page.getByTestId(`cancel-${orphan}`).waitFor({ timeout: 15_000 })
  await page.waitForFunction(() => document.querySelector('[data-testid="balance-fUSD"]')?.textContent === '98,500.00', null, { timeout: 15_000 })
  await page.close()
  // The same browser (cookie and settings kept) opens the terminal again: the order is gone, its
  // fUSD back, and the setting is still on and confirmed for the new connection.
  const again = await context.newPage()
  again.on('pageerror', (e) => pageErrors.push(e.message))
  await again.goto(url)
  await again.getByTestId('account').waitFor({ timeout: 30_000 })
  await again.waitForFunction(() => document.querySelector('[data-testid="balance-fUSD"]')?.textContent === '99,000.00', null, { timeout: 15_000 })
  assert.equal(await again.getByTestId(`cancel-${orphan}`).count(), 0, 'the order was cancelled when the tab closed')
  assert.equal(await again.getByTestId('cancel-on-disconnect').isChecked(), true)
  await again.waitForFunction(() => document.querySelector('[data-testid="cancel-on-disconnect-state"]')?.textContent === 'on', null, { timeout: 15_000 })
  await again.getByTestId('cancel-on-disconnect').uncheck()
  await again.waitForFunction(() => document.querySelector('[data-testid="cancel-on-disconnect-state"]')?.textContent === 'off', null, { timeout: 15_000 })

  await again.screenshot({ path: join(output, 'terminal-e2e.png') })
  await again.setViewportSize({ width: 390, height: 844 })
  await again.screenshot({ path: join(output, 'terminal-e2e-phone.png'), fullPage: true })
  // The phone layout is one column: nothing wider than the screen.
  assert.ok((await again.evaluate(() => document.documentElement.scrollWidth)) <= 390)
  assert.deepEqual(pageErrors, [])
  await context.close()
})

test('terminal: sign-in through an injected EIP-1193 wallet, a refused signature, sign-out', { timeout: 120_000 }, async () => {
  // The browser-extension side of EIP-1193, in the page: accounts and chain from a real key,
  // personal_sign answered by that key in Node (ethers), so the gateway verifies a real signature.
  const wallet = Wallet.createRandom()
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  let refuse = true
  await page.exposeFunction('__walletSign', async (hex: string) => (refuse ? null : wallet.signMessage(getBytes(hex))))
  // A string, not a function: tsx's transform would put helpers into a serialised function.
  await page.addInitScript(`
    window.ethereum = {
      request: async ({ method, params }) => {
        if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [${JSON.stringify(wallet.address)}]
        if (method === 'eth_chainId') return '0x7a69'
        if (method === 'personal_sign') {
          const signature = await window.__walletSign(String(params[0]))
          if (signature === null) throw Object.assign(new Error('User rejected the request.'), { code: 4001 })
          return signature
        }
        throw Object.assign(new Error('unsupported ' + method), { code: 4200 })
      },
    }
  `)
  await page.goto(url)
  await page.getByTestId('sign-in-injected').waitFor({ timeout: 30_000 })

  // The user refuses to sign: no session, the reason is shown.
  await page.getByTestId('sign-in-injected').click()
  await page.getByTestId('wallet-message').waitFor({ timeout: 15_000 })
  assert.match(await text(page, 'wallet-message'), /reject/i)
  assert.equal(await page.getByTestId('account').count(), 0)

  refuse = false
  await page.getByTestId('sign-in-injected').click()
  await page.getByTestId('account').waitFor({ timeout: 15_000 })
  assert.equal(await page.getByTestId('account').getAttribute('title'), wallet.address)
  const session = await page.evaluate(async () => (await fetch('/v1/auth/session')).json())
  assert.equal(session.account, wallet.address)
  // The socket reopened with the cookie: the private `account` channel answers, for an empty wallet.
  await page.getByTestId('balances').waitFor({ state: 'attached', timeout: 15_000 })
  assert.equal(await page.getByTestId('balance-fUSD').count(), 0, 'a new wallet holds nothing yet')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByTestId('sign-in-injected').waitFor({ timeout: 15_000 })
  const after = await page.evaluate(async () => (await fetch('/v1/auth/session')).status)
  assert.equal(after, 401)
  await page.close()
})
