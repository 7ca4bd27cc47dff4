import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API (`pnpm start`) listens on 127.0.0.1:3000; in development Vite serves the Console with
// hot reload and forwards /trpc and /v1 there, so the page and the API share an origin as in production,
// where the API serves this build at /console.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    // /v1 too: import and export are REST-only streams.
    proxy: { '/trpc': 'http://127.0.0.1:3000', '/v1': 'http://127.0.0.1:3000' },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
