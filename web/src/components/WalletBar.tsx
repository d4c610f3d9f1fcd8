// The header: connection status, sign-in with a browser wallet (EIP-1193) or the local
// development wallet, the dev faucet, sign-out.
import { useState } from 'react'
import { devWallet, injectedProvider, injectedSigner, requestFaucet, signIn, signOut, type MessageSigner, type Session } from '../lib/auth.js'
import { formatWad } from '../lib/format.js'
import { useConnectionStatus } from '../lib/hooks.js'
import { ProtocolError } from '../lib/protocol.js'

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`

export function WalletBar({ session, onSession }: { session: Session | null; onSession: (s: Session | null) => void }) {
  const status = useConnectionStatus()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const run = async (what: () => Promise<void>) => {
    setBusy(true)
    setMessage(null)
    try {
      await what()
    } catch (err) {
      setMessage(err instanceof ProtocolError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  const signInWith = (signer: () => Promise<MessageSigner>) => run(async () => onSession(await signIn(await signer(), new URL(window.location.href))))
  const provider = injectedProvider()
  return (
    <header className="bar">
      <h1>Fluxion</h1>
      <span className={`status ${status}`} data-testid="connection" title="WebSocket connection">
        {status}
      </span>
      <div className="wallet">
        {session ? (
          <>
            <span className="account" data-testid="account" title={session.account}>
              {short(session.account)}
            </span>
            <button
              disabled={busy}
              data-testid="faucet"
              onClick={() =>
                run(async () => {
                  const r = await requestFaucet()
                  setMessage(`+${formatWad(r.result.amount, 0)} ${r.result.asset}`)
                })
              }
            >
              Faucet
            </button>
            <button disabled={busy} onClick={() => run(async () => (await signOut(), onSession(null)))}>
              Sign out
            </button>
          </>
        ) : (
          <>
            {provider && (
              <button disabled={busy} onClick={() => void signInWith(() => injectedSigner(provider))} data-testid="sign-in-injected">
                Connect wallet
              </button>
            )}
            <button disabled={busy} onClick={() => void signInWith(async () => devWallet(window.localStorage))} data-testid="sign-in-dev">
              Development wallet
            </button>
          </>
        )}
        {message && (
          <span className="notice" data-testid="wallet-message">
            {message}
          </span>
        )}
      </div>
    </header>
  )
}
