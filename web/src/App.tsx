// The terminal: one protocol connection, the session, and the panels laid out for laptop and phone.
import { useEffect, useMemo, useState } from 'react'
import { AccountPanel, type AccountData } from './components/AccountPanel.js'
import { DepthChart } from './components/DepthChart.js'
import { Fills, type FillData } from './components/Fills.js'
import { MarketList } from './components/MarketList.js'
import { OpenOrders } from './components/OpenOrders.js'
import { OrderTicket } from './components/OrderTicket.js'
import { PriceChart, type FillMark } from './components/PriceChart.js'
import { RecentTrades } from './components/RecentTrades.js'
import { WalletBar } from './components/WalletBar.js'
import { currentSession, type Session } from './lib/auth.js'
import { wadToNumber } from './lib/format.js'
import { ClientContext, useChannel } from './lib/hooks.js'
import { EMPTY_MARKETS, reduceMarkets } from './lib/markets.js'
import { reduceOrders, type OrdersPushData, type RestingOrder } from './lib/orders.js'
import { ProtocolClient, type Push } from './lib/protocol.js'

const wsUrl = () => `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`

export function App() {
  const client = useMemo(() => new ProtocolClient(wsUrl()), [])
  const [session, setSession] = useState<Session | null>(null)
  useEffect(() => {
    client.connect()
    // A session cookie from an earlier visit authenticates the socket already; learn whose it is.
    void currentSession().then((s) => s && setSession(s))
    return () => client.close()
  }, [client])
  const onSession = (s: Session | null) => {
    // The upgrade carries the cookie: a new session needs a new socket.
    client.reconnect()
    setSession(s)
  }
  return (
    <ClientContext.Provider value={client}>
      <Terminal session={session} onSession={onSession} />
    </ClientContext.Provider>
  )
}

const reduceAccount = (_: AccountData | null, p: Push) => p.data as AccountData
const reduceOrderPush = (list: RestingOrder[], p: Push) => reduceOrders(list, p.type, p.data as OrdersPushData)
const reduceFills = (list: FillData[], p: Push) => (p.type === 'snapshot' ? [...(p.data as { fills: FillData[] }).fills].reverse() : [p.data as FillData, ...list].slice(0, 100))

function Terminal({ session, onSession }: { session: Session | null; onSession: (s: Session | null) => void }) {
  const markets = useChannel('markets', reduceMarkets, EMPTY_MARKETS)
  const [selected, setSelected] = useState(() => window.location.hash.slice(1))
  const market = markets.list.find((m) => m.market === selected) ?? markets.list[0]
  const signedIn = session !== null
  const who = session?.account ?? null
  const account = useChannel<AccountData | null>(signedIn ? 'account' : null, reduceAccount, null, who)
  const orders = useChannel<RestingOrder[]>(signedIn ? 'orders' : null, reduceOrderPush, [], who)
  const fills = useChannel<FillData[]>(signedIn ? 'fills' : null, reduceFills, [], who)
  const marks = useMemo<FillMark[]>(
    () => fills.map((f) => ({ orderId: f.orderId, market: f.market, side: f.side, ts: f.ts, price: wadToNumber(f.price) })),
    [fills],
  )
  const select = (m: string) => {
    setSelected(m)
    window.history.replaceState(null, '', `#${m}`)
  }
  return (
    <div className="app">
      <WalletBar session={session} onSession={onSession} />
      <main className="grid">
        <MarketList markets={markets} selected={market?.market ?? ''} onSelect={select} />
        {market ? (
          <>
            <PriceChart market={market.market} fills={marks} />
            <DepthChart market={market.market} />
            <OrderTicket market={market.market} base={market.base} quote={market.quote} signedIn={signedIn} />
            <RecentTrades market={market.market} />
          </>
        ) : (
          <section className="panel">
            <p className="muted">Connecting…</p>
          </section>
        )}
        <AccountPanel account={account} markets={markets} />
        <OpenOrders orders={orders} signedIn={signedIn} />
        <Fills fills={fills} />
      </main>
    </div>
  )
}
