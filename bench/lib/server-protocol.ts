/** The messages between the benchmark runner and its child servers. */
export type ServerRole = 'upstreams' | 'gateway' | 'baseline';

export type ParentMessage = { type: 'sample' } | { type: 'reset' } | { type: 'close' };

export type ChildReply =
  | { type: 'ready'; url: string; urls?: Record<string, string> }
  /** Peak and current RSS in bytes; `requests`: upstream requests counted since the last reset (upstreams only). */
  | { type: 'sample'; peakRss: number; rss: number; requests: number }
  | { type: 'reset' };
