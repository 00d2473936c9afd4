import { parseArgs } from 'node:util';
import type { UsageReport } from '../../observability/field-usage.ts';

/**
 * `tessera usage`: reads `GET /admin/usage` of a running gateway and prints, per caller, the
 * fields it requested and how often, then the fields no caller used in the window.
 */
export async function runUsage(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean' },
      unused: { type: 'boolean' },
      reset: { type: 'boolean' },
    },
  });
  const base = values.url ?? `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '4000'}`;
  const token = values.token ?? process.env.TESSERA_ADMIN_TOKEN;
  if (!token) {
    process.stderr.write('tessera usage needs the admin token (reload.adminToken): pass --token or set TESSERA_ADMIN_TOKEN.\n');
    return 2;
  }
  const url = new URL(values.reset ? '/admin/usage/reset' : '/admin/usage', base);
  let response: Response;
  try {
    response = await fetch(url, { method: values.reset ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    process.stderr.write(`cannot reach ${url.origin}: ${(error as Error).message}\n`);
    return 1;
  }
  if (response.status !== 200) {
    process.stderr.write(`${url.href} answered ${response.status}${response.status === 404 ? ' (is reload.adminToken set?)' : ''}: ${await response.text()}\n`);
    return 1;
  }
  const report = (await response.json()) as UsageReport;
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatUsage(report, values.unused === true));
  return 0;
}

/** The report as text: a block per caller, then the unused fields. */
export function formatUsage(report: UsageReport, unusedOnly: boolean): string {
  const lines: string[] = [`Field usage from ${report.since} to ${report.until}`];
  if (!unusedOnly) {
    for (const [caller, usage] of Object.entries(report.callers)) {
      lines.push('', `${caller}: ${usage.requests} request(s)`);
      const width = Math.max(...Object.keys(usage.fields).map((f) => f.length));
      for (const [field, count] of Object.entries(usage.fields)) lines.push(`  ${field.padEnd(width)}  ${count}`);
    }
    if (Object.keys(report.callers).length === 0) lines.push('', 'No requests in this window.');
  }
  lines.push('', `Unused in this window (${report.unused.length}):`, ...report.unused.map((f) => `  ${f}`));
  return `${lines.join('\n')}\n`;
}
