// The little the event store needs from a PostgreSQL client, so one implementation of the store
// runs over PGlite and over a `pg` pool alike.

/** Runs statements on one database session. */
export interface SqlSession {
  /** One statement with $n parameters; rows as objects keyed by column name. */
  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]>
  /** One or more statements without parameters (migrations). */
  exec(text: string): Promise<void>
}

/** A connection (PGlite) or a pool of them (PostgreSQL). */
export interface SqlClient extends SqlSession {
  /**
   * Like query, as a named prepared statement: parsed and planned once per connection, then
   * only bound and executed (the append's fixed cost on PGlite drops from ~2 ms to ~0.5 ms).
   * Every parameter must carry a cast in `text`; values go as text; row values come back as text.
   */
  queryPrepared<Row>(name: string, text: string, params: readonly string[]): Promise<Row[]>
  /** Runs `work` inside BEGIN/COMMIT on one session; rolls back if it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>
  close(): Promise<void>
}
