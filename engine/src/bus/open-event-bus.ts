// Picks the bus from configuration: Redis when a URL is given, in-process otherwise.
import type { EventBus } from './event-bus.js'
import { InProcessBus } from './in-process-bus.js'
import { RedisBus } from './redis-bus.js'

/**
 * Opens the configured bus: Redis when REDIS_URL (or the option) is set, else in-process. The
 * namespace (default FLUXION_BUS_NAMESPACE, else none) only matters on Redis: see RedisBusOptions.
 */
export async function openEventBus(options: { redisUrl?: string; namespace?: string } = {}): Promise<EventBus> {
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL
  const namespace = options.namespace ?? process.env.FLUXION_BUS_NAMESPACE
  return redisUrl ? RedisBus.connect(redisUrl, namespace ? { namespace } : {}) : new InProcessBus()
}
