// Vite builds the terminal into web/dist, which the gateway serves. TSX goes through Vite's own
// transform (esbuild/oxc, automatic JSX runtime); no React plugin is needed without fast refresh.
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  // A dev server (`npm run dev --workspace @fluxion/web`) proxies the API to a running `npm start`.
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
})
