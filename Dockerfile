# axys-mock: the platform API on 8443 (mTLS), the control plane on 8081.
#   docker build -t axys-mock .
#   mkdir -p certs && docker run --rm --user "$(id -u):$(id -g)" -p 8443:8443 -p 8081:8081 -v "$PWD/certs:/app/certs" axys-mock

FROM node:24-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm run build

FROM node:24-trixie-slim
# tini: PID 1 that forwards signals, so `docker stop` stops the mock at once
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY openapi ./openapi
COPY fixtures ./fixtures
# the dashboard (/_mock/ui): static files, with preact and htm from node_modules
COPY ui ./ui
COPY docker/healthcheck.mjs ./docker/healthcheck.mjs
COPY --from=build /app/dist ./dist
# writable by any uid, so `--user "$(id -u):$(id -g)"` works with or without mounts
RUN mkdir -p certs data && chmod 0777 certs data
USER node
# listen on every interface; let the host (seen as the bridge gateway through -p) pass allowlist and FCrDNS
ENV HOST=0.0.0.0 CERTS_DIR=/app/certs DATA_FILE=/app/data/db.json ALLOW_CALLERS=gateway
EXPOSE 8443 8081
VOLUME ["/app/certs", "/app/data"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["node", "/app/docker/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/main.js"]
