// The built web terminal (web/dist), served by the same uWS app as the protocol. The directory is
// read once at start-up into a table of files: a request can only ever get a file that is in that
// table, so no path (`..`, encoded or not, symlinks) reaches outside the root. Unknown non-API
// paths get index.html (the terminal routes on the client); API paths are left to the REST routes.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import type { TemplatedApp } from 'uWebSockets.js'
import { replyNotFound } from './http.js'

/** One file ready to send. */
export interface StaticFile {
  body: Buffer
  contentType: string
  cacheControl: string
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/**
 * Headers of the terminal's HTML: scripts only from this origin, connections only back to it (the
 * API and /ws), no framing (a trading page must not be clickjacked). Recharts styles inline.
 */
export const HTML_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}

/** Paths the REST routes and the WebSocket endpoint own: never answered with the terminal. */
const API_ROOTS = ['/v1', '/ws', '/metrics']

/** Vite names built assets `name-<hash>.ext`: their content never changes under that name. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/

/** The content type of a file name (application/octet-stream when unknown). */
export const contentTypeOf = (name: string): string => CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream'

/** Reads every file under `root` into a table keyed by URL path (`/assets/app-1a2b3c4d.js`). */
export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) {
        const url = `/${relative(root, path).split(sep).join('/')}`
        files.set(url, {
          body: readFileSync(path),
          contentType: contentTypeOf(entry.name),
          // index.html must be revalidated so a new build's asset names are picked up at once.
          cacheControl: HASHED.test(entry.name) ? 'public, max-age=31536000, immutable' : 'no-cache',
        })
      }
    }
  }
  walk(root)
  return files
}

/** What a GET of `path` answers from the table: a file, the terminal's index.html, or nothing (404). */
export function resolveStatic(files: Map<string, StaticFile>, path: string): StaticFile | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return undefined
  }
  const file = files.get(decoded)
  if (file) return file
  // A missing asset is a 404, not HTML a <script> tag would choke on; anything else is a client route.
  if (decoded.startsWith('/assets/') || extname(decoded) !== '') return undefined
  return files.get('/index.html')
}

/** True for paths the terminal must leave to the API routes (REST, /ws, /metrics). */
export const isApiPath = (path: string): boolean => API_ROOTS.some((r) => path === r || path.startsWith(`${r}/`))

/**
 * Registers `GET /*` serving the terminal built in `root`. API paths yield to the REST routes
 * (whose catch-all answers NOT_FOUND as JSON). When `root` holds no build, `/` explains how to make one.
 */
export function registerStatic(app: TemplatedApp, root: string): { files: number } {
  let files: Map<string, StaticFile>
  try {
    files = statSync(join(root, 'index.html')).isFile() ? loadStaticFiles(root) : new Map()
  } catch {
    files = new Map()
  }
  const missingBuild: StaticFile = {
    body: Buffer.from(`The web terminal is not built: run \`npm run build --workspace @fluxion/web\` (looked in ${root}).\n`),
    contentType: 'text/plain; charset=utf-8',
    cacheControl: 'no-cache',
  }
  app.get('/*', (res, req) => {
    const url = req.getUrl()
    if (isApiPath(url)) {
      req.setYield(true)
      return
    }
    const file = resolveStatic(files, url) ?? (files.size === 0 && extname(url) === '' ? missingBuild : undefined)
    if (!file) return replyNotFound(res, 'GET', url)
    res.cork(() => {
      res.writeStatus(file === missingBuild ? '503 Service Unavailable' : '200 OK')
      res.writeHeader('content-type', file.contentType).writeHeader('cache-control', file.cacheControl).writeHeader('x-content-type-options', 'nosniff')
      if (file.contentType.startsWith('text/html')) for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) res.writeHeader(name, value)
      res.end(file.body)
    })
  })
  return { files: files.size }
}
