// Vite builds the terminal into web/dist, which the gateway serves. TSX goes through Vite's own
// transform (esbuild/oxc, automatic JSX runtime); no React plugin is needed without fast refresh.
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    // Libraries change less often than the terminal: their own hashed chunks stay cached across releases.
    rollupOptions: {
      output: {
        manualChunks: (id: string) => (id.includes('node_modules/ethers') || id.includes('node_modules/@noble') ? 'ethers' : id.includes('node_modules/recharts') || id.includes('node_modules/d3-') ? 'charts' : id.includes('node_modules/') ? 'vendor' : undefined),
      },
    },
  },
  // A dev server (`npm run dev --workspace @fluxion/web`) proxies the API to a running `npm start`.
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
})
