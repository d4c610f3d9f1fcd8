// React glue: the protocol client in context, and a hook that folds a channel's pushes into state.
import { createContext, useCallback, useContext, useEffect, useReducer, useSyncExternalStore } from 'react'
import type { ConnectionStatus, ProtocolClient, Push } from './protocol.js'

/** The terminal's one protocol connection. */
export const ClientContext = createContext<ProtocolClient | null>(null)

/** The protocol client of the terminal (throws outside the provider: a wiring bug). */
export function useClient(): ProtocolClient {
  const c = useContext(ClientContext)
  if (!c) throw new Error('useClient outside ClientContext')
  return c
}

/**
 * The connection's status, re-rendered on change. An external store, not state copied at render:
 * a change between the render and a later subscribing effect would otherwise be missed for good.
 */
export function useConnectionStatus(): ConnectionStatus {
  const client = useClient()
  const subscribe = useCallback((changed: () => void) => client.onStatus(changed), [client])
  return useSyncExternalStore(subscribe, () => client.status)
}

/**
 * Follows `channel` (none when null) and folds its pushes with `reduce`, starting from `initial`
 * on every (re)subscription. `key` re-subscribes when it changes (e.g. the signed-in account).
 */
export function useChannel<T>(channel: string | null, reduce: (state: T, push: Push) => T, initial: T, key: unknown = null): T {
  const client = useClient()
  const [state, dispatch] = useReducer((s: T, action: Push | { reset: true }) => ('reset' in action ? initial : reduce(s, action)), initial)
  useEffect(() => {
    dispatch({ reset: true })
    if (channel === null) return
    return client.subscribe(channel, dispatch)
  }, [client, channel, key])
  return state
}
