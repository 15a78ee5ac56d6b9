# Tollgate: a production image. `docker build -t tollgate .` then see docs/deploy-container.md.
# Three stages: build (all dependencies, compile to dist/), deps (production dependencies only),
# runtime (node, dist/, production node_modules; non-root; `node dist/main.js` as PID 1's command).

FROM node:22-bookworm-slim AS toolchain
# For native modules (better-sqlite3, argon2) when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/stripe-emulator/package.json packages/stripe-emulator/

FROM toolchain AS build
RUN npm ci --no-fund --no-audit
COPY . .
RUN npm run build

FROM toolchain AS deps
RUN npm ci --omit=dev --no-fund --no-audit

FROM node:22-bookworm-slim
# HOST: every interface, so the published port reaches it (test mode would keep to the loopback).
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/packages/stripe-emulator/package.json ./packages/stripe-emulator/
COPY --from=build /app/packages/stripe-emulator/dist ./packages/stripe-emulator/dist
COPY package.json catalog.yaml ./
COPY bin ./bin
# ./data is /data too: an env file that sets DATA_DIR empty (or to the default ./data) still writes
# to the volume, and the demo catalog's generated PDFs (./data/files) land somewhere writable.
RUN mkdir -p /data && chown node:node /data && ln -s /data /app/data
USER node
VOLUME /data
# 12111: the test-mode emulator's hosted Checkout and Portal (the demo only; live mode uses Stripe).
EXPOSE 3000 12111
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Plain node: no npm, no shell, no TypeScript loader. SIGTERM reaches Tollgate directly.
CMD ["node", "dist/main.js"]
