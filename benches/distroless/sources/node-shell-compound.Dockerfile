FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /srv/board
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
EXPOSE 4000
CMD npm run db:migrate && node server.js
