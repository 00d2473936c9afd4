import { startJsonService, type DemoServiceName, type JsonService, type RecordedRequest, type Route } from './json-service.ts';
import { AGENTS_ROUTES, CRM_ROUTES, ORDERS_ROUTES, TICKETS_ROUTES } from './demo-routes.ts';
import { startRiskService, type RecordedRiskCall, type RiskService } from './risk.ts';
import { shadowRoutes } from './shadow-routes.ts';
import { startLoyaltyService, type LoyaltyService, type RecordedLoyaltyCall } from './loyalty.ts';

export type { DemoServiceName, RecordedRequest } from './json-service.ts';
export type { RecordedRiskCall } from './risk.ts';
export type { RecordedLoyaltyCall } from './loyalty.ts';

export interface DemoUpstreamsOptions {
  /** Added before every response of every service, in milliseconds; default 0. */
  delayMs?: number;
  /** Interface to listen on; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Keep every request in `requests` (tests assert on them); false only counts them, for long benchmark runs. Default true. */
  recordRequests?: boolean;
  /** Also start the shadow set (the same four HTTP services, names prefixed "Shadow "), where marked traffic goes. Default true. */
  shadows?: boolean;
}

/** The running demo upstreams: four HTTP/JSON services (CRM, Orders, Tickets, Agents), one gRPC service (Risk) and one Thrift service (Loyalty). */
export interface DemoUpstreams {
  urls: Record<DemoServiceName, string>;
  /** `host:port` of the Risk gRPC service. */
  riskAddress: string;
  /** The shadow services' URLs (marked traffic's targets); absent with `shadows: false`. */
  shadowUrls: Record<DemoServiceName, string> | undefined;
  /** `host:port` of the Loyalty Thrift service. */
  loyaltyAddress: string;
  /** The variables the demo connectors read for their baseUrl (or address) and shadow baseUrl. */
  env: Record<'CRM_URL' | 'ORDERS_URL' | 'TICKETS_URL' | 'AGENTS_URL' | 'RISK_ADDRESS' | 'LOYALTY_ADDRESS', string> & Partial<Record<'CRM_SHADOW_URL' | 'ORDERS_SHADOW_URL' | 'TICKETS_SHADOW_URL' | 'AGENTS_SHADOW_URL', string>>;
  /** Every request any of the four HTTP services received, in arrival order. The array is reused by resetRequests(). */
  requests: RecordedRequest[];
  /** Every request the shadow services received, in arrival order; emptied by resetRequests() too. */
  shadowRequests: RecordedRequest[];
  /** Every call the Risk service received, in arrival order; emptied by resetRequests() too. */
  riskCalls: RecordedRiskCall[];
  /** Every call the Loyalty service received, in arrival order; emptied by resetRequests() too. */
  loyaltyCalls: RecordedLoyaltyCall[];
  /** Empties `requests` in place and sets the count back to 0. */
  resetRequests(): void;
  /** How many requests all six (and the shadows) received since start or the last resetRequests(), recorded or not. */
  requestCount(): number;
  /** Makes one HTTP service answer every request with a 503 (true) or normally again (false). */
  setFailing(service: DemoServiceName, failing: boolean): void;
  /** Closes every server (the shadows too) and their keep-alive connections. */
  close(): Promise<void>;
}

const ROUTES: Record<DemoServiceName, readonly Route[]> = { crm: CRM_ROUTES, orders: ORDERS_ROUTES, tickets: TICKETS_ROUTES, agents: AGENTS_ROUTES };

/** Starts the demo upstreams on port 0 (loopback by default): four node:http servers, one grpc-js server and one thrift server. */
export async function startDemoUpstreams(options: DemoUpstreamsOptions = {}): Promise<DemoUpstreams> {
  const requests: RecordedRequest[] = [];
  const shadowRequests: RecordedRequest[] = [];
  const riskCalls: RecordedRiskCall[] = [];
  const loyaltyCalls: RecordedLoyaltyCall[] = [];
  const host = options.host ?? '127.0.0.1';
  const delayMs = options.delayMs ?? 0;
  let requestCount = 0;
  const record = options.recordRequests === false ? undefined : (r: RecordedRequest) => requests.push(r);
  const names = Object.keys(ROUTES) as DemoServiceName[];
  const recordRisk = options.recordRequests === false ? undefined : (call: RecordedRiskCall) => riskCalls.push(call);
  const shadowNames = options.shadows === false ? [] : names;
  const recordShadow = options.recordRequests === false ? undefined : (r: RecordedRequest) => shadowRequests.push(r);
  const recordLoyalty = options.recordRequests === false ? undefined : (call: RecordedLoyaltyCall) => loyaltyCalls.push(call);
  const [risk, loyalty, ...started] = await Promise.allSettled([
    startRiskService({ host, delayMs, record: recordRisk, count: () => (requestCount += 1) }),
    startLoyaltyService({ host, delayMs, record: recordLoyalty, count: () => (requestCount += 1) }),
    ...names.map((service) => startJsonService({ service, routes: ROUTES[service], host, delayMs, record, count: () => (requestCount += 1) })),
    ...shadowNames.map((service) => startJsonService({ service, routes: shadowRoutes(ROUTES[service]), host, delayMs, record: recordShadow, count: () => (requestCount += 1) })),
  ]);
  const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value as JsonService] : []));
  const closeAll = async (): Promise<void> => {
    await Promise.all([
      ...services.map((s) => s.close()),
      risk!.status === 'fulfilled' ? (risk!.value as RiskService).close() : undefined,
      loyalty!.status === 'fulfilled' ? (loyalty!.value as LoyaltyService).close() : undefined,
    ]);
  };
  const failed = [risk!, loyalty!, ...started].find((s) => s.status === 'rejected');
  if (failed) {
    await closeAll();
    throw failed.reason;
  }
  const byName = Object.fromEntries(names.map((name, i) => [name, services[i]!])) as Record<DemoServiceName, JsonService>;
  const urls = { crm: byName.crm.url, orders: byName.orders.url, tickets: byName.tickets.url, agents: byName.agents.url };
  const shadows = services.slice(names.length);
  const shadowUrls = shadows.length === 0 ? undefined : (Object.fromEntries(names.map((name, i) => [name, shadows[i]!.url])) as Record<DemoServiceName, string>);
  const riskAddress = ((risk as PromiseFulfilledResult<RiskService>).value).address;
  const loyaltyAddress = ((loyalty as PromiseFulfilledResult<LoyaltyService>).value).address;
  return {
    urls,
    riskAddress,
    shadowUrls,
    loyaltyAddress,
    env: {
      CRM_URL: urls.crm,
      ORDERS_URL: urls.orders,
      TICKETS_URL: urls.tickets,
      AGENTS_URL: urls.agents,
      RISK_ADDRESS: riskAddress,
      LOYALTY_ADDRESS: loyaltyAddress,
      ...(shadowUrls ? { CRM_SHADOW_URL: shadowUrls.crm, ORDERS_SHADOW_URL: shadowUrls.orders, TICKETS_SHADOW_URL: shadowUrls.tickets, AGENTS_SHADOW_URL: shadowUrls.agents } : {}),
    },
    requests,
    shadowRequests,
    riskCalls,
    loyaltyCalls,
    resetRequests: () => {
      requests.length = 0;
      shadowRequests.length = 0;
      riskCalls.length = 0;
      loyaltyCalls.length = 0;
      requestCount = 0;
    },
    requestCount: () => requestCount,
    setFailing: (service, failing) => byName[service].setFailing(failing),
    close: closeAll,
  };
}
