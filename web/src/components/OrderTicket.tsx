// The order ticket: quotes live while the user types (impact, fee, minimum received at their
// slippage), refuses to submit past that slippage, and places market or limit orders.
import { useEffect, useState } from 'react'
import { formatBps, formatPrice, formatWad, parseAmount } from '../lib/format.js'
import { useClient, useConnectionStatus } from '../lib/hooks.js'
import { ProtocolError } from '../lib/protocol.js'
import { checkTicket, MAX_SLIPPAGE_BPS, SLIPPAGE_PRESETS, type Quote } from '../lib/ticket.js'

type Kind = 'market' | 'limit'

/** The fee in whichever assets it is taken (input, output or both). */
const feeText = (feeIn: bigint, inAsset: string, feeOut: bigint, outAsset: string): string =>
  [feeIn > 0n ? `${formatWad(feeIn, 6)} ${inAsset}` : '', feeOut > 0n || feeIn === 0n ? `${formatWad(feeOut, 6)} ${outAsset}` : ''].filter(Boolean).join(' + ')
type Outcome = { ok: true; text: string; latency?: string } | { ok: false; text: string }

export function OrderTicket({ market, base, quote: quoteAsset, signedIn }: { market: string; base: string; quote: string; signedIn: boolean }) {
  const client = useClient()
  const status = useConnectionStatus()
  const [side, setSide] = useState<'buy' | 'sell'>('buy')
  const [kind, setKind] = useState<Kind>('market')
  const [amountText, setAmountText] = useState('')
  const [limitText, setLimitText] = useState('')
  const [slippageText, setSlippageText] = useState('0.5')
  const [quote, setQuote] = useState<Quote | null>(null)
  const [quoteError, setQuoteError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const amountIn = parseAmount(amountText)
  const slippageBps = Math.round(Number(slippageText) * 100)
  const slippageOk = Number.isFinite(slippageBps) && slippageBps > 0 && slippageBps <= MAX_SLIPPAGE_BPS
  const inAsset = side === 'buy' ? quoteAsset : base
  const outAsset = side === 'buy' ? base : quoteAsset

  // Quote as the user types (debounced), and again every 2 s so the numbers follow the market.
  useEffect(() => {
    setQuote(null)
    setQuoteError(null)
    if (amountIn === undefined || !slippageOk || status !== 'open') return
    let live = true
    const ask = () =>
      client.request<Quote>('quote', { market, side, amountIn: amountIn.toString(), slippageBps }).then(
        (q) => live && (setQuote(q), setQuoteError(null)),
        (err: unknown) => live && (setQuote(null), setQuoteError(err instanceof ProtocolError ? `${err.code}: ${err.message}` : String(err))),
      )
    const first = setTimeout(ask, 150)
    const again = setInterval(ask, 2000)
    return () => {
      live = false
      clearTimeout(first)
      clearInterval(again)
    }
  }, [client, market, side, amountIn, slippageBps, slippageOk, status])

  const check = quote ? checkTicket(quote, slippageBps) : null
  const limitPrice = kind === 'limit' ? parseAmount(limitText) : undefined
  const refusal = !signedIn
    ? 'sign in to trade'
    : amountIn === undefined
      ? 'enter an amount'
      : !slippageOk
        ? `slippage must be between 0.01% and ${MAX_SLIPPAGE_BPS / 100}%`
        : kind === 'limit'
          ? limitPrice === undefined
            ? 'enter a limit price'
            : null
          : check
            ? check.refusal
            : quoteError
              ? 'no quote'
              : 'quoting…'

  const submit = async () => {
    if (refusal !== null || amountIn === undefined) return
    setBusy(true)
    setOutcome(null)
    const clientOrderId = `t-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`
    try {
      let params: Record<string, unknown>
      if (kind === 'market') {
        // Quote again at the moment of submitting: the order carries the minimum of a fresh quote,
        // and a fresh quote past the slippage setting is not sent at all.
        const fresh = await client.request<Quote>('quote', { market, side, amountIn: amountIn.toString(), slippageBps })
        setQuote(fresh)
        const freshCheck = checkTicket(fresh, slippageBps)
        if (freshCheck.refusal !== null) throw new Error(`not sent: ${freshCheck.refusal}`)
        params = { market, side, kind, amountIn: amountIn.toString(), minOut: freshCheck.minReceived.toString(), clientOrderId }
      } else {
        params = { market, side, kind, amountIn: amountIn.toString(), limitPrice: limitPrice!.toString(), clientOrderId }
      }
      const { result: r, roundTripMs, venueMs } = await client.requestTimed<{ orderId: string; status: string }>('placeOrder', params)
      // How long it took, and how much of that the venue spent (the rest is the network and this page).
      const latency = `round trip ${roundTripMs.toFixed(1)} ms${venueMs === undefined ? '' : ` · venue ${venueMs.toFixed(1)} ms`}`
      setOutcome({ ok: true, text: `${r.orderId} ${r.status}`, latency })
      if (kind === 'market') setAmountText('')
    } catch (err) {
      setOutcome({ ok: false, text: err instanceof ProtocolError ? `${err.code}: ${err.message}` : String(err) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="panel ticket" aria-label="Order ticket">
      <h2>Trade {market}</h2>
      <div className="segmented">
        <button className={side === 'buy' ? 'on buy' : ''} onClick={() => setSide('buy')} data-testid="side-buy">
          Buy
        </button>
        <button className={side === 'sell' ? 'on sell' : ''} onClick={() => setSide('sell')} data-testid="side-sell">
          Sell
        </button>
      </div>
      <div className="segmented">
        <button className={kind === 'market' ? 'on' : ''} onClick={() => setKind('market')}>
          Market
        </button>
        <button className={kind === 'limit' ? 'on' : ''} onClick={() => setKind('limit')} data-testid="kind-limit">
          Limit
        </button>
      </div>
      <label>
        Pay ({inAsset})
        <input inputMode="decimal" placeholder="0.0" value={amountText} onChange={(e) => setAmountText(e.target.value)} data-testid="amount" />
      </label>
      {kind === 'limit' && (
        <label>
          Limit price ({quoteAsset} per {base})
          <input inputMode="decimal" placeholder="0.0" value={limitText} onChange={(e) => setLimitText(e.target.value)} data-testid="limit-price" />
        </label>
      )}
      <div className="slippage">
        <span>Slippage</span>
        {SLIPPAGE_PRESETS.map((bps) => (
          <button key={bps} className={slippageBps === bps ? 'on' : ''} onClick={() => setSlippageText(String(bps / 100))}>
            {bps / 100}%
          </button>
        ))}
        <input aria-label="slippage percent" inputMode="decimal" value={slippageText} onChange={(e) => setSlippageText(e.target.value)} data-testid="slippage" />
        <span>%</span>
      </div>
      <dl className="quote" data-testid="quote">
        <dt>Receive</dt>
        <dd data-testid="quote-out">{quote ? `${formatWad(quote.amountOut, 6)} ${outAsset}` : '—'}</dd>
        <dt>Average price</dt>
        <dd>{quote ? formatPrice(quote.averagePrice) : '—'}</dd>
        <dt>Price impact</dt>
        <dd data-testid="quote-impact" className={check?.refusal ? 'down' : ''}>
          {quote ? formatBps(quote.impactBps) : '—'}
        </dd>
        <dt>Fee</dt>
        <dd data-testid="quote-fee">{check ? feeText(check.feeIn, inAsset, check.feeOut, outAsset) : '—'}</dd>
        <dt>Minimum received</dt>
        <dd data-testid="quote-min">{check ? `${formatWad(check.minReceived, 6)} ${outAsset}` : '—'}</dd>
      </dl>
      {quoteError && <p className="error">{quoteError}</p>}
      <button className={`submit ${side}`} disabled={refusal !== null || busy} onClick={() => void submit()} data-testid="submit">
        {refusal ?? (busy ? 'submitting…' : `${side === 'buy' ? 'Buy' : 'Sell'} ${base}`)}
      </button>
      {outcome && (
        <p className={outcome.ok ? 'ok' : 'error'} data-testid="order-outcome">
          {outcome.text}
        </p>
      )}
      {outcome?.ok && outcome.latency && (
        <p className="muted" data-testid="order-latency">
          {outcome.latency}
        </p>
      )}
    </section>
  )
}
