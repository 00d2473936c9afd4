import { aliases } from './aliases.ts';
import { customers50 } from './customers-50.ts';
import { grouped50 } from './grouped-50.ts';
import { panel } from './panel.ts';
import { profile } from './profile.ts';
import { risk50 } from './risk-50.ts';
import { loyalty50 } from './loyalty-50.ts';
import type { Scenario } from './scenario.ts';
import { wide } from './wide.ts';

export { idealCalls, requestBody, type Scenario, type UpstreamGet, type Variant } from './scenario.ts';

/** Every scenario, in the order the table prints them. */
export const SCENARIOS: readonly Scenario[] = [profile, panel, customers50, grouped50, wide, aliases, risk50, loyalty50];
