import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import type { Executor } from '../execute/index.ts';
import { useTesseraExecutor } from './plugins/use-tessera-executor.ts';
import type { FrontDoorPolicy } from './admit-document.ts';
import type { GraphiQLAssets } from './graphiql-assets.ts';
import { renderGraphiQLPage } from './render-graphiql.ts';

export interface YogaOptions {
  schema: GraphQLSchema;
  executor: Executor;
  /** The admission rules the fast path applies too. */
  front: FrontDoorPolicy;
  /** Dev mode serves GraphiQL. */
  dev: boolean;
  /** GraphiQL's files as the gateway serves them; undefined when the package is not installed. */
  graphiqlAssets?: GraphiQLAssets | undefined;
}

/**
 * graphql-yoga serves everything except the hot path: GraphiQL, GET, other content types and
 * every error response of GraphQL-over-HTTP, so those stay spec-correct without our code.
 */
export type YogaServer = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;

export function createYogaServer(options: YogaOptions): YogaServer {
  return createYoga({
    schema: options.schema,
    graphqlEndpoint: '/graphql',
    graphiql: options.dev ? { title: 'Tessera', defaultQuery: DEFAULT_QUERY } : false,
    renderGraphiQL: (graphiql) => renderGraphiQLPage(graphiql, options.graphiqlAssets),
    landingPage: false,
    healthCheckEndpoint: '/yoga-health',
    logging: false,
    maskedErrors: true,
    // yoga's default reflects any Origin with credentials allowed; CORS is decided before the
    // doors part (server/cors.ts), from gateway.yaml's list.
    cors: false,
    // A persisted document's id (trusted documents): admission reads it, on both doors.
    extraParamNames: ['documentId'],
    plugins: [useTesseraExecutor(options.executor, options.front)],
  });
}

const DEFAULT_QUERY = /* GraphQL */ `# Tessera demo: a customer panel. Press the run button.
query Panel($id: ID! = "42") {
  customer(id: $id) {
    id
    name
    tier
    points
    phone
    openTicketCount
    orders(limit: 3) { id createdAt totalCents status }
    tickets(status: "open") @transform(sortBy: "item.createdAt", descending: true, limit: 5) { id subject priority agent { name team } }
  }
}
`;
