// The one way Fluxion opens an ioredis connection: named (CLIENT LIST shows who is who), connected
// before it is handed out (a bad URL fails at start-up, not at the first command), its errors
// routed to one sink, and a failure to connect reported as BusError naming the URL without its
// password. The Redis bus opens its connections here, and so does everything that needs one more
// next to the bus (RedisBus.openConnection: the command server's queue taker, the command client).
import { Redis, type RedisOptions } from 'ioredis'
import { BusError } from '../errors.js'
import { redactUrl } from '../store/redact-url.js'

/** The ioredis settings a caller may choose; the rest (lazy connect, name, error routing) is fixed here. */
export type RedisConnectionSettings = Pick<RedisOptions, 'maxRetriesPerRequest' | 'enableOfflineQueue'>

/** Options of openRedisConnection. */
export interface RedisConnectionOptions extends RedisConnectionSettings {
  /** Redis CLIENT name of the connection. */
  name: string
  /** What the connection is for, in error messages (`publisher`, `commands-taker`...). */
  role: string
  /**
   * Connection trouble after start-up (ioredis reconnects by itself); default: one stderr line
   * per outage. Failed commands still reject where they are awaited.
   */
  onConnectionError?: (err: Error) => void
}

/** Opens and connects one connection, or throws BusError naming the URL (password redacted). */
export async function openRedisConnection(url: string, options: RedisConnectionOptions): Promise<Redis> {
  const { name, role, onConnectionError, ...settings } = options
  const redis = new Redis(url, { ...settings, lazyConnect: true, connectionName: name })
  watchErrors(redis, url, role, onConnectionError)
  try {
    await redis.connect()
    return redis
  } catch (err) {
    redis.disconnect() // stop the reconnect loop
    throw new BusError(`cannot connect to Redis at ${redactUrl(url)} (${role}): ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/** Closes a connection after what is queued on it has been sent; drops it if Redis is away. */
export async function quitRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit()
  } catch {
    redis.disconnect()
  }
}

/** Routes a connection's errors to the sink; by default one stderr line per outage, not one per retry. */
function watchErrors(redis: Redis, url: string, role: string, sink: ((err: Error) => void) | undefined): void {
  let connected = false // before the first connection, connect() itself reports the failure
  let reported = false
  redis.on('ready', () => {
    connected = true
    reported = false
  })
  redis.on('error', (err: Error) => {
    if (!connected) return
    if (sink) return sink(err)
    if (reported) return
    reported = true
    console.error(`bus: Redis ${role} at ${redactUrl(url)}: ${err.message} (reconnecting)`)
  })
}
