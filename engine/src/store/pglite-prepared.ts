// Named prepared statements on PGlite. Its `query` sends Parse, Bind, Describe, Execute and Sync
// as separate calls into the WASM backend and re-plans every time (~2 ms for the append); here
// the statement is parsed once and each call is one Bind+Execute+Sync message.
import { protocol, type PGlite } from '@electric-sql/pglite'

const { serialize } = protocol

interface Field {
  name: string
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Runs named prepared statements on one PGlite instance, parsing each on first use. */
export class PglitePreparedStatements {
  readonly #db: PGlite
  readonly #parsed = new Set<string>()

  constructor(db: PGlite) {
    this.#db = db
  }

  /** Binds and executes `name` (parsed from `text` the first time); rows keyed by column, values as text. */
  run<Row>(name: string, text: string, params: readonly string[]): Promise<Row[]> {
    // runExclusive: the protocol calls are not serialised with other queries by PGlite itself.
    return this.#db.runExclusive(async () => {
      if (!this.#parsed.has(name)) {
        // On its own: a later failure to bind or execute must not leave us unsure whether it exists.
        await this.#db.execProtocol(concat([serialize.parse({ name, text }), serialize.sync()]))
        this.#parsed.add(name)
      }
      const result = await this.#db.execProtocol(
        concat([serialize.bind({ statement: name, values: [...params] }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
      )
      let fields: Field[] = []
      const rows: Row[] = []
      for (const m of result.messages) {
        if (m.name === 'rowDescription') fields = (m as unknown as { fields: Field[] }).fields
        else if (m.name === 'dataRow') {
          const values = (m as unknown as { fields: (string | null)[] }).fields
          rows.push(Object.fromEntries(fields.map((f, i) => [f.name, values[i]])) as Row)
        }
      }
      return rows
    })
  }
}
