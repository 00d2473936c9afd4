# Tessera: a small production image. The TypeScript sources are compiled to JavaScript in a build
# stage (`npm run build`): run through Node's own type stripping instead, every gateway process
# would also hold Node's TypeScript parser, ~27 MB of RSS. The image holds the compiled src/,
# production dependencies, schemas/ and connectors/.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY schemas ./schemas
COPY connectors ./connectors
RUN npm run build

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist/src ./src
# GraphiQL (dev/demo mode only) is served by the gateway itself, not from a CDN: its built files
# come from the development dependency @graphql-yoga/graphiql. The bundle is self-contained, so
# the image takes those files and none of the package's dependencies.
COPY --from=build /app/node_modules/@graphql-yoga/graphiql/package.json ./node_modules/@graphql-yoga/graphiql/
COPY --from=build /app/node_modules/@graphql-yoga/graphiql/dist/yoga-graphiql.umd.js /app/node_modules/@graphql-yoga/graphiql/dist/graphiql.css ./node_modules/@graphql-yoga/graphiql/dist/
COPY --from=build /app/node_modules/@graphql-yoga/graphiql/dist/monacoeditorwork ./node_modules/@graphql-yoga/graphiql/dist/monacoeditorwork
COPY schemas ./schemas
COPY connectors ./connectors
# The image's own non-root user; nothing under /app is writable by it.
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Mount your own schemas/ and connectors/ over /app to serve them; `demo` runs the embedded demo.
# The V8 flags are the gateway's own, the same as `npm start`'s (package.json): a young generation
# capped at 2 x 16 MB and no allocation-site pretenuring keep a busy gateway under ~200 MB of RSS
# (docs/performance.md, Memory).
ENTRYPOINT ["node", "--max-semi-space-size=16", "--no-allocation-site-pretenuring", "src/cli/main.js"]
CMD ["serve", "--config-dir", "/app"]
