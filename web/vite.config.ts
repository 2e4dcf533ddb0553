/**
 * The watch floor's build: `web/` into `dist/web`, served by the Vigil server at `/`. Paths are
 * relative to the package root (npm runs scripts there). The server's CSP allows scripts and
 * styles only from itself, so nothing may be inlined: no module-preload polyfill, no data: URLs.
 * `npm run dev:web` serves the UI with hot reload and sends /api to a server on :8080.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
