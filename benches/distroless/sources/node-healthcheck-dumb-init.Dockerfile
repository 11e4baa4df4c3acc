FROM node:22-bookworm AS deps
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production

FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends dumb-init curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY src ./src
COPY package.json ./
HEALTHCHECK --interval=30s --timeout=5s CMD curl --fail http://localhost:5000/ping || exit 1
ENTRYPOINT ["dumb-init", "--"]
CMD ["node", "src/index.js"]
