/// <reference types="vitest/config" />
import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [
    !process.env.VITEST &&
      remix({
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_singleFetch: true,
          v3_lazyRouteDiscovery: true,
        },
      }),
  ],
  resolve: { alias: { '~': '/app' } },
  optimizeDeps: {
    exclude: ['@duckdb/node-api', '@duckdb/node-bindings'],
    include: ['@observablehq/plot', 'apache-arrow', 'zod'],
  },
  server: { port: Number(process.env.PORT ?? 3000) },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['test/setup/tmp.ts'],
  },
});
