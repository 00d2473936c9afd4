/** Where a command tried to listen, and how the user would start it again with another PORT/HOST. */
export interface ListenTarget {
  port: number;
  host: string;
  /** The command to show after `PORT=4001 `, e.g. `npm start` or `npx tessera serve`. */
  rerun: string;
}

/**
 * Turns a failed listen (port taken, port not permitted, no such address) into one line that says
 * what to set instead of a Node error; any other error is returned unchanged.
 */
export function explainListenError(error: unknown, { port, host, rerun }: ListenTarget): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const at = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const otherPort = `set PORT=... to another port, e.g. PORT=${port === 4001 ? 4002 : 4001} ${rerun}`;
  if (code === 'EADDRINUSE') return new Error(`tessera: port ${port} is in use (${at}); ${otherPort}`);
  if (code === 'EACCES') return new Error(`tessera: not permitted to listen on port ${port} (${at}; ports below 1024 need privileges); ${otherPort}`);
  if (code === 'EADDRNOTAVAIL') return new Error(`tessera: cannot listen on ${at}: HOST ${host} is not an address of this machine; set HOST=... to one that is, e.g. HOST=127.0.0.1 ${rerun}`);
  return error;
}
