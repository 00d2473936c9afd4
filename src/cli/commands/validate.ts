import { parseArgs } from 'node:util';
import { validateConfig } from '../../index.ts';

/** `tessera validate`: prints every config problem; exit code 1 if any is an error. */
export async function runValidate(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'config-dir': { type: 'string' } } });
  const report = await validateConfig({ configDir: values['config-dir'] });
  if (report.text) process.stdout.write(`${report.text}\n`);
  if (report.errors.length === 0) {
    const ops = report.blueprint?.operations.size ?? 0;
    const trusted = report.trustedDocuments.length > 0 ? `, ${report.trustedDocuments.length} trusted documents` : '';
    process.stdout.write(`OK: ${report.blueprint?.connectors.length ?? 0} connectors, ${ops} operations${trusted}${report.warnings.length ? `, ${report.warnings.length} warning(s)` : ''}.\n`);
  }
  return report.errors.length > 0 ? 1 : 0;
}
