// A module resolution hook for running from source: adds the `tollgate-source` export condition,
// under which workspace packages (the Stripe emulator) resolve to their TypeScript sources
// instead of their compiled dist/. Registered by bin/tollgate.js outside production only.
export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...context.conditions, 'tollgate-source'] })
}
