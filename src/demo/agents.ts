import { seededRandom } from './seeded-random.ts';

/** The Agents service's support-agent record, in upstream names. */
export interface Agent {
  /** "a1".."a200". */
  id: string;
  name: string;
  team: string;
  email: string;
}

/** Agent ids run from "a1" to "a<AGENT_COUNT>". */
export const AGENT_COUNT = 200;

const FIRST_NAMES = ['Alex', 'Brook', 'Casey', 'Devi', 'Eli', 'Fern', 'Gus', 'Holly', 'Ines', 'Jun', 'Kai', 'Luz', 'Mika', 'Noor', 'Oli', 'Pia'];
const LAST_NAMES = ['Abe', 'Baker', 'Cruz', 'Diaz', 'Evans', 'Ford', 'Gray', 'Hall', 'Iqbal', 'Jones', 'Khan', 'Lopez'];
const TEAMS = ['billing', 'shipping', 'technical', 'accounts', 'escalations'];

const cache = new Map<string, Agent>();

/** True when `id` is a canonical agent id ("a1".."a200"; no leading zero). */
export function isAgentId(id: string): boolean {
  return /^a[1-9][0-9]{0,2}$/.test(id) && Number(id.slice(1)) <= AGENT_COUNT;
}

/** The agent with this id, generated on first use and cached; undefined if it does not exist. */
export function agentById(id: string): Agent | undefined {
  let agent = cache.get(id);
  if (!agent && isAgentId(id)) {
    const random = seededRandom(`agent:${id}`);
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    agent = { id, name: `${first} ${last}`, team: random.pick(TEAMS), email: `${first}.${last}.${id}@support.example.com`.toLowerCase() };
    cache.set(id, agent);
  }
  return agent;
}
