import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'stripe-emulator',
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'hono/jsx' },
})
