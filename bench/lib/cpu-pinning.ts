import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * Where each side of a benchmark runs. With `taskset` and at least two cores, the server under
 * test gets core 0 to itself and the load generator (plus the demo upstreams) share core 1;
 * otherwise nothing is pinned and the report says so.
 */
export interface CpuPlan {
  available: boolean;
  /** Why pinning is off, when it is. */
  reason: string | undefined;
  serverCpu: number;
  loadCpu: number;
  /** Command prefix that starts a process on `cpu` (empty when pinning is off). */
  prefix(cpu: number): string[];
  /** Moves a running process (all its threads) to `cpu`; no-op when pinning is off. */
  move(pid: number, cpu: number): void;
}

export function planCpus(): CpuPlan {
  const cores = os.availableParallelism();
  let hasTaskset = false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    hasTaskset = true;
  } catch {
    hasTaskset = false;
  }
  const available = hasTaskset && cores >= 2;
  const reason = !hasTaskset ? 'taskset not found: nothing is pinned, server and load generator share all cores' : cores < 2 ? 'only one core: nothing is pinned' : undefined;
  return {
    available,
    reason,
    serverCpu: 0,
    loadCpu: 1,
    prefix: (cpu) => (available ? ['taskset', '-c', String(cpu)] : []),
    move: (pid, cpu) => {
      if (available) execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    },
  };
}

/** "AMD EPYC 7B13 ×2" or similar, for the report header. */
export function describeMachine(): { node: string; cpu: string; cores: number; platform: string } {
  const cpus = os.cpus();
  return { node: process.version, cpu: cpus[0]?.model.trim() ?? 'unknown', cores: os.availableParallelism(), platform: `${os.platform()} ${os.release()}` };
}
