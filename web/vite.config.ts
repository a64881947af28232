import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The box serves the built files itself (embedded in the binary), so in
// production page and API share one origin. In development, Vite proxies
// the API to a box running on 127.0.0.1:8000.
const box = 'http://127.0.0.1:8000';
const apiPaths = ['/health', '/auth', '/rooms', '/tracks', '/votes', '/box', '/openapi.json', '/docs'];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((p) => [p, box])),
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
