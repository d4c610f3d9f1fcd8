// A gateway-only process: protocol v1 over a read replica of the engine (the PostgreSQL log plus
// the Redis bus), with orders forwarded to the engine process. Run as many as the load needs
// beside one engine started with REDIS_URL and its command server.
//   node --import tsx gateway/src/cli/gateway.ts --port 8081
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { z } from 'zod/v4'
import { ReplicaVenue } from '../../../engine/src/replica/replica-venue.js'
import { redactUrl } from '../../../engine/src/store/redact-url.js'
import { describeThreadPriority, raiseThreadPriority, type ThreadPriority } from '../../../engine/src/thread-priority.js'
import { describeCpuWakeLatency, holdCpuWakeLatency, type CpuWakeLatency } from '../../../engine/src/cpu-wake-latency.js'
import { applyLatencyV8Flags } from '../../../engine/src/v8-flags.js'
import type { ApiKeyConfig } from '../auth.js'
import { startGateway } from '../server.js'

const HELP = `Usage: node --import tsx gateway/src/cli/gateway.ts [options]

  --port <n>           TCP port (default 8080; 0 picks a free one)
  --host <addr>        interface to bind (default 127.0.0.1; terminate TLS in front)
  --db-schema <name>   the engine's log schema, if it was given one
  --api-keys <file>    JSON: { "<api key>": { "account": "...", "permissions": ["read","trade"], "secret": "..." } }
                       (default $FLUXION_API_KEYS_FILE; without one, nobody can authenticate)
  -h, --help

Environment (both required): DATABASE_URL (the engine's PostgreSQL log), REDIS_URL (its bus and
command queue). FLUXION_BUS_NAMESPACE if the engine uses one; LOG_LEVEL; FLUXION_THREAD_RT_PRIORITY
(the gateway thread's real-time priority, SCHED_FIFO, default 10 where the OS allows it; 0 turns it
off), FLUXION_THREAD_NICE (its nice value otherwise, default -10; 0 keeps the default priority) and
FLUXION_CPU_WAKE_LATENCY_US (the longest an idle CPU may take to wake, default 0: idle CPUs poll, where
the OS allows it; off leaves the machine's own idle states).`

const apiKeysFile = z.record(
  z.string().min(1),
  z.object({ account: z.string().min(1), permissions: z.array(z.enum(['read', 'trade'])).optional(), secret: z.string().min(1).optional() }).strict(),
)

function fail(message: string): never {
  console.error(`fluxion gateway: ${message}`)
  process.exit(2)
}

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'db-schema': { type: 'string' },
    'api-keys': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log(HELP)
  process.exit(0)
}
const databaseUrl = process.env.DATABASE_URL
const redisUrl = process.env.REDIS_URL
if (!databaseUrl || !redisUrl) {
  fail(`a gateway-only process serves a replica of the engine: set both DATABASE_URL (the engine's PostgreSQL log) and REDIS_URL (its bus); missing ${[!databaseUrl && 'DATABASE_URL', !redisUrl && 'REDIS_URL'].filter(Boolean).join(' and ')}`)
}
const port = Number(args.port)
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be an integer in [0, 65535], got ${args.port}`)

let apiKeys: Record<string, ApiKeyConfig> = {}
const keysPath = args['api-keys'] ?? process.env.FLUXION_API_KEYS_FILE
if (keysPath) {
  let parsed
  try {
    parsed = apiKeysFile.safeParse(JSON.parse(readFileSync(keysPath, 'utf8')))
  } catch (err) {
    fail(`cannot read the API keys in ${keysPath}: ${(err as Error).message}`)
  }
  if (!parsed.success) fail(`API keys in ${keysPath}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  apiKeys = parsed.data as Record<string, ApiKeyConfig>
}

let priority: ThreadPriority
let wakeLatency: CpuWakeLatency
try {
  priority = raiseThreadPriority()
  wakeLatency = holdCpuWakeLatency()
} catch (err) {
  fail((err as Error).message)
}
const started = performance.now()
let replica: ReplicaVenue
try {
  applyLatencyV8Flags()
  replica = await ReplicaVenue.open({ databaseUrl, redisUrl, ...(args['db-schema'] ? { schema: args['db-schema'] } : {}) })
} catch (err) {
  fail(`cannot open the replica (PostgreSQL ${redactUrl(databaseUrl)}, Redis ${redactUrl(redisUrl)}): ${(err as Error).message}`)
}
const gateway = await startGateway({ venue: replica, port, host: args.host, apiKeys }).catch(async (err: unknown) => {
  await replica.close()
  fail(`cannot start the gateway: ${(err as Error).message}`)
})
console.log(`fluxion gateway (replica ${replica.id}) at seq ${replica.state.seq}, up in ${((performance.now() - started) / 1000).toFixed(1)} s: ${gateway.url} ${gateway.httpUrl}`)
console.log(`  thread: ${describeThreadPriority(priority)}`)
console.log(`  cpus:   ${describeCpuWakeLatency(wakeLatency)}`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await gateway.close()
  await replica.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
