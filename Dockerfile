# Herald's operator image. Build from the repository root:
#   docker build -t herald:0.1.0 .
# Every stage uses the same Node.js 24 base, which the project's sources are written for.
ARG NODE_IMAGE=node:24-bookworm-slim

# Compiles src/ to dist/ with the development dependencies (TypeScript).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Installs the production dependencies only; none of them needs an install script.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json marks the compiled .js files as ES modules ("type": "module").
COPY package.json ./
# A numeric user, so that the kubelet can check runAsNonRoot without reading /etc/passwd.
USER 65532:65532
EXPOSE 8081
# Exec form, without the base image's entrypoint script: node is PID 1 and receives SIGTERM
# itself, and the operator handles it (graceful shutdown). Flags given as container args follow.
ENTRYPOINT ["node", "--enable-source-maps", "dist/cli/operator.js"]
