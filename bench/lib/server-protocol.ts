/** The messages between the benchmark runner and its child servers. */
export type ServerRole = 'upstreams' | 'gateway' | 'baseline' | 'floor' | 'ceiling';

export type ParentMessage = { type: 'sample' } | { type: 'reset' } | { type: 'close' };

export type ChildReply =
  | { type: 'ready'; url: string; urls?: Record<string, string> }
  /**
   * Since the last reset: peak RSS (bytes), CPU time used (user + system, µs), time spent in
   * garbage-collection pauses (µs) and upstream requests counted (upstreams only); plus the
   * current RSS, and with --expose-gc the heap in use right after a full collection (`liveHeap`).
   */
  | { type: 'sample'; peakRss: number; rss: number; requests: number; cpuMicros: number; gcMicros: number; liveHeap?: number | undefined }
  | { type: 'reset' };
