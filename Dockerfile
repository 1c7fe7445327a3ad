# syntax=docker/dockerfile:1
# tally worker image: built with dev dependencies, shipped with production ones only.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

FROM node:24-slim AS runtime
ENV NODE_ENV=production
# A bounded old space: V8 otherwise lets garbage pile up towards its default limit (about
# 4 GB on this size of host) before it collects, so RSS grew with a backfill although
# what is live stays near 60 MB. A bounded young generation too: Node 24 lets each semi-space
# grow to 64 MB under a steady stream of short-lived objects (a database cursor read for
# minutes), and RSS with it; at 16 MB a backup of 1,000,000 facts peaks at the RSS of one of
# 10,000 (docs/backup.md#memory). npm run bench measures with these same options.
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=16"
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The dashboard's own stylesheet and scripts (tally serve serves them, with uPlot from node_modules).
COPY --from=build /app/src/web/assets ./src/web/assets
RUN ln -s /app/dist/src/cli/main.js /usr/local/bin/tally && chmod +x /app/dist/src/cli/main.js
# The image's own unprivileged user; nothing in /app is writable by it.
USER node
ENTRYPOINT ["tally"]
CMD ["worker"]
