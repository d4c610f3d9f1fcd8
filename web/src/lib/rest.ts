// REST calls of the terminal: same-origin, with the session cookie; an error answer becomes a
// ProtocolError carrying the gateway's stable code.
import { ProtocolError } from './protocol.js'

/** GETs or POSTs a JSON route of the gateway and returns its body. */
export async function restCall<T>(path: string, init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {}, base = ''): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  const text = await res.text()
  let body: unknown
  try {
    body = text === '' ? {} : JSON.parse(text)
  } catch {
    throw new ProtocolError('BAD_RESPONSE', `${path}: HTTP ${res.status}, not JSON`)
  }
  const error = (body as { error?: { code: string; message: string } }).error
  if (!res.ok || error) throw new ProtocolError(error?.code ?? `HTTP_${res.status}`, error?.message ?? `${path}: HTTP ${res.status}`)
  return body as T
}
