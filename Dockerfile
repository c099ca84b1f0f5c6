# One image for the worker and the API; the command picks which process runs.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY domain domain
COPY workflows workflows
COPY activities activities
COPY workers workers
COPY api api
COPY cli cli
COPY scripts scripts
COPY test test
RUN npx tsc -p tsconfig.json && node dist/scripts/bundle-workflows.js && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
COPY package.json ./
USER node
CMD ["node", "dist/workers/main.js"]
