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
  /** Runs `work` inside BEGIN/COMMIT on one session; rolls back if it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>
  close(): Promise<void>
}
