// What the engine publishes on the bus for each durable event: the sequenced event as JSON. The
// event's text is the one the log already holds, spliced in rather than re-encoded (or escaped as
// a string inside a string), so publishing costs a concatenation and reading it one parse.
import { fromJson, type SequencedEvent } from '../events.js'
import type { LoggedEvent } from '../store/event-store.js'

/** The bus message of a logged event: `{"seq","stream","streamSeq","ts","event"}`. */
export function encodeBusEvent(entry: LoggedEvent): string {
  return `{"seq":${entry.seq},"stream":${JSON.stringify(entry.stream)},"streamSeq":${entry.streamSeq},"ts":${entry.ts},"event":${entry.body}}`
}

/** The sequenced event a bus message carries (bigints restored). */
export function decodeBusEvent(message: string): SequencedEvent {
  return fromJson<SequencedEvent>(message)
}
