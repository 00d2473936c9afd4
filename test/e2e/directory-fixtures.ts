import type { ServerResponse } from 'node:http';
import { startFakeUpstream, json, type FakeUpstream, type RecordedCall } from '../support/fake-upstream.ts';
import { startGateway, writeConfigDir, type TestGateway } from '../support/gateway.ts';

/**
 * A directory service of people and companies, behind mutations (POST, PUT, DELETE) and behind
 * an interface (`Party`) and a union (`SearchHit`) told apart by each item's `kind`. Shared by
 * the mutation, union and two-door tests.
 */
export const DIRECTORY_SCHEMA = /* GraphQL */ `
type Query {
  person(id: ID!): Person @source(connector: "directory", operation: "getPeople", key: "{args.id}")
  parties(ids: [ID!]!): [Party] @source(connector: "directory", operation: "getParties", keys: "{args.ids}")
  search(q: String!): [SearchHit!] @source(connector: "directory", operation: "search", params: { q: "{args.q}" })
}

type Mutation {
  createPerson(input: PersonInput!): Person @source(connector: "directory", operation: "createPerson", params: { input: "{args.input}" })
  renamePerson(id: ID!, name: String!): Person @source(connector: "directory", operation: "renamePerson", params: { id: "{args.id}", name: "{args.name}" })
  tag(label: String!): Tag @source(connector: "directory", operation: "putTag", params: { label: "{args.label}" })
  deletePerson(id: ID!): Boolean! @source(connector: "directory", operation: "deletePerson", params: { id: "{args.id}" })
}

input PersonInput {
  name: String!
  employerId: ID
}

interface Party @discriminator(field: "kind", map: { person: "Person", company: "Company" }) {
  id: ID!
  name: String
}

union SearchHit @discriminator(field: "kind", map: { person: "Person", company: "Company", tag: "Tag" }) = Person | Company | Tag

type Person implements Party {
  id: ID!
  name: String
  employerId: ID @map(from: "employer_id")
  employer: Company @source(connector: "directory", operation: "getCompanies", key: "{parent.employerId}")
}

type Company implements Party {
  id: ID!
  name: String
  ceoId: ID @map(from: "ceo_id")
  ceo: Person @source(connector: "directory", operation: "getPeople", key: "{parent.ceoId}")
}

type Tag {
  label: String
}
`;

export const DIRECTORY_CONNECTOR = `
baseUrl: \${DIRECTORY_URL}
retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 }
operations:
  getPeople:
    path: /people
    query: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
    result: items
  getCompanies:
    path: /companies
    query: { ids: "{keys}" }
    batch: { maxSize: 10, keyField: id }
    result: items
  getParties:
    path: /parties
    query: { ids: "{keys}", fields: "{fields}" }
    batch: { maxSize: 10, keyField: id }
    result: items
  search:
    path: /search
    query: { q: "{q}" }
    params: { q: String! }
    result: items
  createPerson:
    method: POST
    path: /people
    body: { person: "{input}", source: tessera }
    params: { input: PersonInput! }
  renamePerson:
    method: PUT
    path: /people/{id}
    body: { name: "{name}" }
    params: { id: ID!, name: String! }
  putTag:
    method: PUT
    path: /tags/{label}
    params: { label: String! }
    idempotent: true
  deletePerson:
    method: DELETE
    path: /people/{id}
    params: { id: ID! }
    result: deleted
`;

const PEOPLE: Record<string, object> = {
  p1: { id: 'p1', kind: 'person', name: 'Ada', employer_id: 'c1' },
  p2: { id: 'p2', kind: 'person', name: 'Grace', employer_id: 'c2' },
  p9: { id: 'p9', kind: 'person', name: 'Linus' },
};
const COMPANIES: Record<string, object> = {
  c1: { id: 'c1', kind: 'company', name: 'Acme', ceo_id: 'p9' },
  c2: { id: 'c2', kind: 'company', name: 'Globex', ceo_id: 'p9' },
  c3: { id: 'c3', kind: 'company', name: 'Initech', ceo_id: 'p2' },
};
const OTHERS: Record<string, object> = { x1: { id: 'x1', kind: 'robot', name: 'R2' } };
const SEARCH: Record<string, object[]> = {
  all: [PEOPLE.p1!, PEOPLE.p2!, COMPANIES.c3!, { kind: 'tag', label: 'vip' }],
  robots: [PEOPLE.p1!, { kind: 'robot', name: 'R2' }],
};

export interface Directory {
  upstream: FakeUpstream;
  gateway: TestGateway;
  /** Every call and answer in the order the upstream saw them: `start POST /people`, `end POST /people`. */
  events: string[];
  /** Resolves when a POST for a person named `name` arrives; its answer then waits for `release(name)`. */
  arrived(name: string): Promise<void>;
  release(name: string): void;
  /** Holds the answer to POSTs of a person with this name until released. */
  hold(name: string): void;
  close(): Promise<void>;
}

/** Starts the directory upstream and a gateway in front of it (dev mode: the explain header works). */
export async function startDirectory(): Promise<Directory> {
  const events: string[] = [];
  const held = new Map<string, { arrived: PromiseWithResolvers<void>; released: PromiseWithResolvers<void> }>();
  const flaky = new Set<string>();
  const gate = (name: string) => {
    let entry = held.get(name);
    if (!entry) held.set(name, (entry = { arrived: Promise.withResolvers(), released: Promise.withResolvers() }));
    return entry;
  };
  const answer = (call: RecordedCall, res: ServerResponse, status: number, body: unknown) => {
    events.push(`end ${call.method} ${call.rawPath}`);
    json(res, status, body);
  };
  const upstream = await startFakeUpstream((call, res) => {
    events.push(`start ${call.method} ${call.rawPath}`);
    const ids = (call.url.searchParams.get('ids') ?? '').split(',');
    const [, collection, id] = call.url.pathname.split('/');
    if (call.method === 'GET' && collection === 'people') return answer(call, res, 200, { items: ids.flatMap((i) => PEOPLE[i] ?? []) });
    if (call.method === 'GET' && collection === 'companies') return answer(call, res, 200, { items: ids.flatMap((i) => COMPANIES[i] ?? []) });
    if (call.method === 'GET' && collection === 'parties') return answer(call, res, 200, { items: ids.flatMap((i) => PEOPLE[i] ?? COMPANIES[i] ?? OTHERS[i] ?? []) });
    if (call.method === 'GET' && collection === 'search') return answer(call, res, 200, { items: SEARCH[call.url.searchParams.get('q') ?? ''] ?? [] });
    if (call.method === 'POST' && collection === 'people') {
      const { person } = JSON.parse(call.body) as { person: { name: string; employerId?: string } };
      if (person.name === 'fail') return answer(call, res, 503, { error: 'unavailable' });
      const reply = () => answer(call, res, 201, { id: `new-${person.name}`, kind: 'person', name: person.name, employer_id: person.employerId });
      const entry = held.get(person.name);
      if (!entry) return reply();
      entry.arrived.resolve();
      void entry.released.promise.then(reply);
      return;
    }
    if (call.method === 'PUT' && collection === 'people') return id === 'down' ? answer(call, res, 503, {}) : answer(call, res, 200, { id, kind: 'person', name: (JSON.parse(call.body) as { name: string }).name });
    if (call.method === 'PUT' && collection === 'tags') {
      // `flaky` fails its first call only: an idempotent operation's retry then succeeds.
      if (id === 'flaky' && !flaky.has(id)) {
        flaky.add(id);
        return answer(call, res, 503, {});
      }
      return answer(call, res, 200, { label: id });
    }
    if (call.method === 'DELETE' && collection === 'people') return id === 'down' ? answer(call, res, 503, {}) : answer(call, res, 200, { deleted: true });
    answer(call, res, 404, { error: 'not found' });
  });
  const config = await writeConfigDir({ schemas: { 'directory.graphql': DIRECTORY_SCHEMA }, connectors: { 'directory.yaml': DIRECTORY_CONNECTOR } });
  const gateway = await startGateway({ configDir: config.dir, env: { DIRECTORY_URL: upstream.url }, dev: true });
  return {
    upstream,
    gateway,
    events,
    arrived: (name) => gate(name).arrived.promise,
    release: (name) => gate(name).released.resolve(),
    hold: (name) => void gate(name),
    async close() {
      await gateway.close();
      await upstream.close();
      await config.remove();
    },
  };
}
