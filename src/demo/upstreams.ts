import { startJsonService, type DemoServiceName, type JsonService, type RecordedRequest, type Route } from './json-service.ts';
import { AGENTS_ROUTES, CRM_ROUTES, ORDERS_ROUTES, TICKETS_ROUTES } from './demo-routes.ts';
import { startRiskService, type RecordedRiskCall, type RiskService } from './risk.ts';

export type { DemoServiceName, RecordedRequest } from './json-service.ts';
export type { RecordedRiskCall } from './risk.ts';

export interface DemoUpstreamsOptions {
  /** Added before every response of every service, in milliseconds; default 0. */
  delayMs?: number;
  /** Interface to listen on; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Keep every request in `requests` (tests assert on them); false only counts them, for long benchmark runs. Default true. */
  recordRequests?: boolean;
}

/** The running demo upstreams: four HTTP/JSON services (CRM, Orders, Tickets, Agents) and one gRPC service (Risk). */
export interface DemoUpstreams {
  urls: Record<DemoServiceName, string>;
  /** `host:port` of the Risk gRPC service. */
  riskAddress: string;
  /** The variables the demo connectors read for their baseUrl (or address). */
  env: { CRM_URL: string; ORDERS_URL: string; TICKETS_URL: string; AGENTS_URL: string; RISK_ADDRESS: string };
  /** Every request any of the four HTTP services received, in arrival order. The array is reused by resetRequests(). */
  requests: RecordedRequest[];
  /** Every call the Risk service received, in arrival order; emptied by resetRequests() too. */
  riskCalls: RecordedRiskCall[];
  /** Empties `requests` in place and sets the count back to 0. */
  resetRequests(): void;
  /** How many requests all five received since start or the last resetRequests(), recorded or not. */
  requestCount(): number;
  /** Makes one HTTP service answer every request with a 503 (true) or normally again (false). */
  setFailing(service: DemoServiceName, failing: boolean): void;
  /** Closes all four servers and their keep-alive connections. */
  close(): Promise<void>;
}

const ROUTES: Record<DemoServiceName, readonly Route[]> = { crm: CRM_ROUTES, orders: ORDERS_ROUTES, tickets: TICKETS_ROUTES, agents: AGENTS_ROUTES };

/** Starts the demo upstreams on port 0 (loopback by default): four node:http servers and one grpc-js server. */
export async function startDemoUpstreams(options: DemoUpstreamsOptions = {}): Promise<DemoUpstreams> {
  const requests: RecordedRequest[] = [];
  const riskCalls: RecordedRiskCall[] = [];
  const host = options.host ?? '127.0.0.1';
  const delayMs = options.delayMs ?? 0;
  let requestCount = 0;
  const record = options.recordRequests === false ? undefined : (r: RecordedRequest) => requests.push(r);
  const names = Object.keys(ROUTES) as DemoServiceName[];
  const recordRisk = options.recordRequests === false ? undefined : (call: RecordedRiskCall) => riskCalls.push(call);
  const [risk, ...started] = await Promise.allSettled([
    startRiskService({ host, delayMs, record: recordRisk, count: () => (requestCount += 1) }),
    ...names.map((service) => startJsonService({ service, routes: ROUTES[service], host, delayMs, record, count: () => (requestCount += 1) })),
  ]);
  const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value as JsonService] : []));
  const closeAll = async (): Promise<void> => {
    await Promise.all([...services.map((s) => s.close()), risk!.status === 'fulfilled' ? (risk!.value as RiskService).close() : undefined]);
  };
  const failed = [risk!, ...started].find((s) => s.status === 'rejected');
  if (failed) {
    await closeAll();
    throw failed.reason;
  }
  const byName = Object.fromEntries(names.map((name, i) => [name, services[i]!])) as Record<DemoServiceName, JsonService>;
  const urls = { crm: byName.crm.url, orders: byName.orders.url, tickets: byName.tickets.url, agents: byName.agents.url };
  const riskAddress = ((risk as PromiseFulfilledResult<RiskService>).value).address;
  return {
    urls,
    riskAddress,
    env: { CRM_URL: urls.crm, ORDERS_URL: urls.orders, TICKETS_URL: urls.tickets, AGENTS_URL: urls.agents, RISK_ADDRESS: riskAddress },
    requests,
    riskCalls,
    resetRequests: () => {
      requests.length = 0;
      riskCalls.length = 0;
      requestCount = 0;
    },
    requestCount: () => requestCount,
    setFailing: (service, failing) => byName[service].setFailing(failing),
    close: closeAll,
  };
}
