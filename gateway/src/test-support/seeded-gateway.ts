// A gateway over a seeded demo venue (PGlite in a temporary directory), both on one manual clock:
// the fixture of the end-to-end gateway tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { demoGenesis } from '../../../engine/src/demo/markets.js'
import { seedVenue } from '../../../engine/src/test-support/venue.js'
import { Venue } from '../../../engine/src/venue.js'
import { startGateway, type Gateway, type GatewayOptions } from '../server.js'

/** The running pair; `now.t` is the clock both read. */
export interface SeededGateway {
  venue: Venue
  gateway: Gateway
  now: { t: number }
  /** Closes the gateway and the venue and removes the data directory. */
  close(): Promise<void>
}

/** Opens a venue seeded by `seedVenue` at `t0` and starts a gateway on a free port over it (silent logs, no process metrics). */
export async function startSeededGateway(options: Omit<GatewayOptions, 'venue' | 'now'> = {}, t0 = 1_700_000_000_000): Promise<SeededGateway> {
  const now = { t: t0 }
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-gateway-'))
  const venue = await Venue.open({ dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '', genesis: demoGenesis(), now: () => now.t })
  await seedVenue(venue, now.t)
  const gateway = await startGateway({ port: 0, logger: pino({ level: 'silent' }), defaultMetrics: false, ...options, venue, now: () => now.t })
  return {
    venue,
    gateway,
    now,
    close: async () => {
      await gateway.close()
      await venue.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
