import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { REPO_ROOT } from '../support/gateway.ts';
import { validateConfig } from '../../src/index.ts';

/**
 * No cluster runs here: the manifests are checked against the Kubernetes API's JSON schemas as
 * kubernetes-models ships them (compiled ajv validators), then against what the gateway needs.
 */
const DIR = path.join(REPO_ROOT, 'deploy/k8s');
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown };
const manifests: { file: string; doc: Manifest }[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) => parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as Manifest })));
const byKind = (kind: string) => manifests.find((m) => m.doc.kind === kind)!.doc as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('deploy/k8s', () => {
  test('has a Deployment, Service, ConfigMap, PodDisruptionBudget and HorizontalPodAutoscaler', () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
  });

  test.each(manifests.map((m) => ({ ...m, name: `${m.file}: ${m.doc.kind}` })))('$name validates against the Kubernetes schema', ({ doc }) => {
    const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
    expect(Model, `no schema for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
    expect(() => new Model!(doc as never).validate()).not.toThrow();
  });

  test('a manifest with a wrong type is refused (the validation really runs)', () => {
    const broken = structuredClone(byKind('Deployment'));
    broken.spec.replicas = 'two';
    expect(() => new Deployment(broken as never).validate()).toThrow(/replicas/);
  });

  test('probes, graceful shutdown and selectors fit the gateway', () => {
    const deployment = byKind('Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    const gateway = byKind('ConfigMap').data['gateway.yaml'] as string;
    const graceMs = Number(/shutdownGraceMs: (\d+)/.exec(gateway)![1]);
    const preStopMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(container.lifecycle.preStop.exec.command.join(' '))![1]);
    expect(preStopMs + graceMs).toBeLessThan(pod.terminationGracePeriodSeconds * 1000);
    for (const kind of ['Service', 'PodDisruptionBudget']) {
      const selector = byKind(kind).spec.selector.matchLabels ?? byKind(kind).spec.selector;
      expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
    }
    expect(byKind('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  });

  test('the ConfigMap, laid out as the Deployment mounts it, is a valid Tessera config', async () => {
    const data = byKind('ConfigMap').data as Record<string, string>;
    const items = byKind('Deployment').spec.template.spec.volumes[0].configMap.items as { key: string; path: string }[];
    expect(items.map((i) => i.key).sort()).toEqual(Object.keys(data).sort());
    const report = await validateMounted(data);
    expect(report.text).toBe('');
    expect(report.blueprint).toBeDefined();
    expect(report.gateway.tracing).toBeUndefined();
  });

  test('the commented tracing example, uncommented, is valid and points at the collector the Deployment names', async () => {
    const data = { ...(byKind('ConfigMap').data as Record<string, string>) };
    data['gateway.yaml'] = uncommentBlock(data['gateway.yaml']!, '# tracing:');
    const collector = 'http://otel-collector.observability.svc.cluster.local:4318/v1/traces';
    const report = await validateMounted(data);
    expect(report.text).toBe('');
    expect(report.gateway.tracing).toEqual({ enabled: true, endpoint: collector, sampleRatio: 0.1 });
    const deploymentText = readFileSync(path.join(DIR, 'deployment.yaml'), 'utf8');
    expect(deploymentText).toContain(`# - { name: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, value: "${collector}" }`);
    const withEnv = await validateMounted(data, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' });
    expect(withEnv.gateway.tracing?.endpoint).toBe('http://collector:4318/v1/traces');
  });

  test('the commented redis example, uncommented, is valid, names the Redis the Deployment names, and shares the limits out over the HPA\'s most replicas', async () => {
    const data = { ...(byKind('ConfigMap').data as Record<string, string>) };
    data['gateway.yaml'] = uncommentBlock(data['gateway.yaml']!, '# redis:');
    const redis = 'redis://redis.default.svc.cluster.local:6379';
    const report = await validateMounted(data);
    expect(report.text).toBe('');
    expect(report.gateway.redis).toEqual({ url: redis, replicas: byKind('HorizontalPodAutoscaler').spec.maxReplicas });
    expect(readFileSync(path.join(DIR, 'deployment.yaml'), 'utf8')).toContain(`# - { name: REDIS_URL, value: "${redis}" }`);
  });
});

/** Writes the ConfigMap's keys where the Deployment mounts them and validates that folder as `tessera serve` would. */
async function validateMounted(data: Record<string, string>, env: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof validateConfig>>> {
  const items = byKind('Deployment').spec.template.spec.volumes[0].configMap.items as { key: string; path: string }[];
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-k8s-'));
  try {
    for (const { key, path: file } of items) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), data[key]!);
    }
    return await validateConfig({ configDir: dir, env: { CRM_URL: 'http://crm:8080', ...env } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Uncomments the commented YAML block that starts with the line `first` (its lines are `# key:` and `#   …`). */
function uncommentBlock(text: string, first: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(first);
  expect(start, `a line "${first}"`).toBeGreaterThanOrEqual(0);
  lines[start] = lines[start]!.slice(2);
  for (let i = start + 1; i < lines.length && lines[i]!.startsWith('#   '); i++) lines[i] = lines[i]!.slice(2);
  return lines.join('\n');
}
