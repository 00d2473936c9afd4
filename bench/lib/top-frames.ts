/**
 * Prints the heaviest frames of a V8 .cpuprofile by self time, and by total time grouped by file,
 * for the closing notes of `perf` work: `node bench/lib/top-frames.ts <file.cpuprofile> [count]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countText] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/lib/top-frames.ts <file.cpuprofile> [count]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const count = Number(countText ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const selfByLabel = new Map<string, number>();
const totalByFile = new Map<string, number>();
for (const [id, time] of self) {
  const node = byId.get(id)!;
  selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + time);
  // inclusive time per file: count each file once per sample's stack
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const url = byId.get(at)!.callFrame.url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '~/$1').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/') || byId.get(at)!.callFrame.functionName;
    if (seen.has(url)) continue;
    seen.add(url);
    totalByFile.set(url, (totalByFile.get(url) ?? 0) + time);
  }
}
const inclusiveByLabel = new Map<string, number>();
for (const [id, time] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusiveByLabel.set(name, (inclusiveByLabel.get(name) ?? 0) + time);
  }
}
const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`Self time, top ${count} of ${(total / 1e6).toFixed(1)} s sampled:`);
for (const [name, time] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${pct(time)}  ${name}`);
console.log(`\nInclusive time by file/package, top ${count}:`);
for (const [name, time] of [...totalByFile].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${pct(time)}  ${name}`);
console.log(`\nInclusive time of our own functions (src/), top ${count}:`);
for (const [name, time] of [...inclusiveByLabel].filter(([n]) => / src\//.test(n)).sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${pct(time)}  ${name}`);
