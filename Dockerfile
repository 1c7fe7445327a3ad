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
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN ln -s /app/dist/src/cli/main.js /usr/local/bin/tally && chmod +x /app/dist/src/cli/main.js
# The image's own unprivileged user; nothing in /app is writable by it.
USER node
ENTRYPOINT ["tally"]
CMD ["worker"]
