FROM node:20-alpine AS build
WORKDIR /home/node/app
COPY --chown=node:node . .
RUN npm ci && npm run build

FROM node:20-alpine
RUN apk add --no-cache tzdata
WORKDIR /home/node/app
COPY --from=build --chown=node:node /home/node/app/build ./build
COPY --from=build --chown=node:node /home/node/app/node_modules ./node_modules
USER node
EXPOSE 3001
CMD ["node", "--enable-source-maps", "build/main.js"]
