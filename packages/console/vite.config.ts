import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the Muster server at / with the API under /api/v1 on the same origin,
// so the build needs no proxy settings; `npm run dev -w @muster/console` proxies /api to a
// server on 127.0.0.1:8080 for working on the pages with hot reload.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or data: URLs for assets: the server's Content-Security-Policy allows
    // only same-origin scripts and styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
