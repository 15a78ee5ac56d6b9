import { defineConfig } from 'vitest/config'

/**
 * `npm test` runs two projects: Tollgate itself and the Stripe emulator package (whose own config
 * also serves `npm test -w @tollgate/stripe-emulator`). Workspace packages resolve to their
 * TypeScript sources through the `tollgate-source` export condition (node gets `dist/`).
 */
export default defineConfig({
  test: {
    projects: [
      'packages/stripe-emulator',
      {
        extends: true,
        test: {
          name: 'tollgate',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep the pool small so browser and PostgreSQL tests don't starve each other.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
  // Vite's default server conditions minus `module`, which picks bundler-only builds (the AWS SDK's
  // extensionless dist-es) that Node cannot load.
  ssr: { resolve: { conditions: ['tollgate-source', 'node', 'development|production'] } },
  esbuild: { jsx: 'automatic', jsxImportSource: 'hono/jsx' },
})
