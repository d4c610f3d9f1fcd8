// Server URLs appear in error messages and logs; their passwords must not.

/** The URL with its password masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable URL)'
  }
}
