// Picks the bus from configuration: Redis when a URL is given, in-process otherwise.
import type { EventBus } from './event-bus.js'
import { InProcessBus } from './in-process-bus.js'
import { RedisBus } from './redis-bus.js'

/** Opens the configured bus: Redis when REDIS_URL (or the option) is set, else in-process. */
export async function openEventBus(options: { redisUrl?: string } = {}): Promise<EventBus> {
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL
  return redisUrl ? RedisBus.connect(redisUrl) : new InProcessBus()
}
