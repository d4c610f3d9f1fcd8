// Where the integration tests find their servers, and how they keep runs apart. Tests never skip
// when a server is down: they fail, naming the URL they tried and how to start it.
import pg from 'pg'
import { redactUrl } from './redact-url.js'

/** The PostgreSQL server of the integration tests (scripts/start-services.sh creates it). */
export const TEST_DATABASE_URL = process.env.FLUXION_TEST_DATABASE_URL ?? 'postgres://fluxion:fluxion@127.0.0.1:5432/fluxion_test'

/** The Redis server of the integration tests. */
export const TEST_REDIS_URL = process.env.FLUXION_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Appended to a connection failure so the reader knows what to do. */
export const START_SERVICES_HINT =
  'start the test servers with `bash scripts/start-services.sh` (as root), or point FLUXION_TEST_DATABASE_URL / FLUXION_TEST_REDIS_URL at running ones'

/** A name no other test run uses (schemas, channels), lower case for SQL identifiers. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`
}

/** Re-throws a connection failure with the URL and the hint. */
export function serverFailure(what: string, url: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err)
  return new Error(`${what} at ${redactUrl(url)} is not usable: ${message}\n  ${START_SERVICES_HINT}`, { cause: err })
}

/** Drops a test schema and everything in it. */
export async function dropTestSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await client.end()
  }
}
