ARG NODE_VERSION=20
ARG NODE_IMAGE=node:${NODE_VERSION}-alpine

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=deps /app/node_modules /app/node_modules
COPY src /app/src
ENTRYPOINT ["node", "/app/src/main.js"]
