# syntax=docker/dockerfile:1
# Amends as a container: `docker build -t amends .` then README "The container".
# Debian (glibc), not Alpine: better-sqlite3 has no musl build.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install from the lockfile, bundle dist/app, drop the dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Compilers for better-sqlite3, used only when its prebuilt binary can't be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/bundle.mjs ./scripts/bundle.mjs
COPY src ./src
RUN node scripts/bundle.mjs dist/app
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: the bundle, the production dependencies, an init, a non-root user ----
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
ENV DATABASE_PATH=/data/amends.db
ENV PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/app ./dist/app
# The SQLite file lives on a volume the `node` user (uid 1000) owns.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# Liveness (the process and its event loop). Socket Mode serves it on HEALTH_PORT (default PORT).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT||3000)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains (up to 10 s) then exits: give it 30 s (docker run --stop-timeout 30,
# compose stop_grace_period: 30s, Kubernetes' default terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/app/main.js"]
