# mail-autoconfig as one container image.
#
#   build:  podman build --format docker -t mail-autoconfig .   (or docker build; the docker format keeps HEALTHCHECK)
#   run:    podman run -p 8080:8080 mail-autoconfig
#   own providers: mount a directory over /app/providers (read-only is fine; edits are picked up live):
#           podman run -p 8080:8080 -v ./my-providers:/app/providers:ro mail-autoconfig
#
# Configuration is by environment variable (README.md, "Configuration"). The image runs as the unprivileged
# `node` user and starts node directly, so SIGTERM reaches the server and it stops gracefully.

# --- build: dev dependencies and the bundler (scripts/build.ts), thrown away afterwards ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts ./scripts/
COPY src ./src
RUN npm run build

# --- runtime: production dependencies, the bundled server, the bundled providers ---
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    PROVIDERS_DIR=/app/providers
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY providers ./providers
COPY schema ./schema
COPY openapi.yaml ./
USER node
# HTTP (or https with TLS_CERT_FILE/TLS_KEY_FILE) on PORT; clients expect 443, so publish it there or put a TLS
# reverse proxy in front (deploy/compose.yaml).
EXPOSE 8080
# Ready = providers loaded and not stopping; node asks /readyz itself, no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/healthcheck.js"]
CMD ["node", "dist/server.js"]
