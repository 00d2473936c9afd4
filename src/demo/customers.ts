import { DAY_MS, DEMO_NOW_MS, isoSeconds, seededRandom } from './seeded-random.ts';

/** The CRM's customer record, in the upstream's own (snake_case) names. */
export interface Customer {
  id: string;
  full_name: string;
  email: string;
  phone: string;
  points: number;
  tier_code: string;
  status: string;
  created_at: string;
  birthday: string;
  gender: string;
  language: string;
  country: string;
  vip: boolean;
  balance_cents: number;
  last_login_at: string;
  marketing_opt_in: boolean;
  address: { street: string; city: string; zip: string; country_code: string };
  tags: string[];
  /** Most customers have no note: a nullable field for the demo. */
  note: string | null;
}

/** Customer ids run from "1" to this number. */
export const CUSTOMER_COUNT = 10_000;

const FIRST_NAMES = ['Ada', 'Bo', 'Chen', 'Dana', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lena', 'Mateo', 'Nia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zoe'];
const LAST_NAMES = ['Almeida', 'Brown', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Huang', 'Ito', 'Jensen', 'Kim', 'Li', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Rossi', 'Silva', 'Tanaka', 'Wang'];
const STREETS = ['Oak Street', 'Maple Avenue', 'Harbour Road', 'Station Lane', 'Mill Street', 'Park Row', 'River Walk', 'High Street'];
/** City, country code and language spoken there, kept together so an address is plausible. */
const PLACES = [
  ['Springfield', 'US', 'en'],
  ['Toronto', 'CA', 'en'],
  ['Shanghai', 'CN', 'zh'],
  ['Shenzhen', 'CN', 'zh'],
  ['Madrid', 'ES', 'es'],
  ['Lyon', 'FR', 'fr'],
  ['Berlin', 'DE', 'de'],
  ['Osaka', 'JP', 'ja'],
  ['London', 'GB', 'en'],
  ['São Paulo', 'BR', 'pt'],
] as const;
const TIERS = ['bronze', 'bronze', 'bronze', 'silver', 'silver', 'gold', 'platinum'];
const STATUSES = ['active', 'active', 'active', 'active', 'active', 'active', 'suspended', 'closed'];
const GENDERS = ['female', 'male', 'unspecified'];
const TAGS = ['early-adopter', 'newsletter', 'wholesale', 'returns-often', 'b2b', 'student', 'referral'];
const NOTES = ['Prefers email over phone.', 'Call only after 6 pm.', 'Escalate billing issues to team lead.', 'Speaks slowly; be patient.'];

const cache = new Map<string, Customer>();

/** True when `id` is a canonical customer id ("1".."10000"; no sign, no leading zero). */
export function isCustomerId(id: string): boolean {
  if (!/^[1-9][0-9]{0,4}$/.test(id)) return false;
  return Number(id) <= CUSTOMER_COUNT;
}

/** The customer with this id, generated on first use and cached; undefined if it does not exist. */
export function customerById(id: string): Customer | undefined {
  let customer = cache.get(id);
  // Only real ids are cached, so hostile or random ids cannot grow the cache without bound.
  if (!customer && isCustomerId(id)) {
    customer = generateCustomer(id);
    cache.set(id, customer);
  }
  return customer;
}

function generateCustomer(id: string): Customer {
  const random = seededRandom(`customer:${id}`);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const [city, countryCode, language] = random.pick(PLACES);
  const createdMs = DEMO_NOW_MS - random.int(30, 3_650) * DAY_MS - random.int(0, 86_399) * 1000;
  const lastLoginMs = DEMO_NOW_MS - random.int(0, 29) * DAY_MS - random.int(0, 86_399) * 1000;
  const birthday = isoSeconds(Date.UTC(random.int(1950, 2006), random.int(0, 11), random.int(1, 28))).slice(0, 10);
  const tier = random.pick(TIERS);
  const tags = TAGS.filter(() => random.chance(0.2));
  return {
    id,
    full_name: `${first} ${last}`,
    email: `${asciiSlug(first)}.${asciiSlug(last)}${id}@example.com`,
    phone: `+1-555-${String(random.int(0, 9_999_999)).padStart(7, '0')}`,
    points: random.int(0, 50_000),
    tier_code: tier,
    status: random.pick(STATUSES),
    created_at: isoSeconds(createdMs),
    birthday,
    gender: random.pick(GENDERS),
    language,
    country: countryCode,
    vip: tier === 'platinum' || random.chance(0.05),
    balance_cents: random.int(-5_000, 250_000),
    last_login_at: isoSeconds(Math.max(lastLoginMs, createdMs)),
    marketing_opt_in: random.chance(0.4),
    address: { street: `${random.int(1, 999)} ${random.pick(STREETS)}`, city, zip: String(random.int(10_000, 99_999)), country_code: countryCode },
    tags,
    note: random.chance(0.15) ? random.pick(NOTES) : null,
  };
}

/** Lower-cases a name and strips accents, for use in an email address. */
function asciiSlug(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}
