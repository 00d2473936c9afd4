#!/usr/bin/env -S node --max-semi-space-size=16 --no-allocation-site-pretenuring
// The tessera command line: parses arguments and calls src/index.ts; no logic lives here. npm start,
// npm run tessera and the bin start it through ./tessera.js, which checks the Node version first;
// it stays executable for direct runs (and for npx links made when it was the bin itself).
import { runServe } from './commands/serve.ts';
import { runDemo } from './commands/demo.ts';
import { runValidate } from './commands/validate.ts';
import { runExplain } from './commands/explain.ts';
import { runBench } from './commands/bench.ts';
import { runScaffold } from './commands/scaffold.ts';
import { runHashKey } from './commands/hash-key.ts';
import { runUsage } from './commands/usage.ts';

const USAGE = `Usage: tessera <command> [options]

Commands:
  demo                         start the demo upstreams and the gateway on them (GraphiQL on)
  serve [--config-dir DIR] [--workers N|auto]
                               serve the config in DIR (default: the working directory);
                               --workers: N processes on one port (auto: one per core)
  validate [--config-dir DIR]  check schemas/ and connectors/; exit 1 on any error
  explain FILE.graphql [--variables JSON] [--operation NAME] [--json] [--config-dir DIR]
                               print the plan of an operation
  bench [load|micro|soak] [--flags]
                               run a benchmark suite of bench/ (load: npm run bench); --help lists flags
  scaffold --openapi SPEC --name NAME [--out DIR] [--force]
                               write connectors/NAME.yaml and schemas/NAME.graphql from an OpenAPI document
  hash-key [--generate]        print the sha256 of an API key read from stdin, for callers.yaml
                               (--generate: a new random key and its hash)
  usage [--url URL] [--token T] [--unused] [--reset] [--json]
                               print the fields each caller requested, and those nobody did, from a running
                               gateway's GET /admin/usage (token: reload.adminToken, or TESSERA_ADMIN_TOKEN)

Environment: PORT (default 4000), HOST (default 127.0.0.1), LOG_LEVEL (default info),
             TESSERA_DEV=1 (serve only: GraphiQL and the x-tessera-explain header)`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  demo: runDemo,
  serve: runServe,
  validate: runValidate,
  explain: runExplain,
  bench: runBench,
  scaffold: runScaffold,
  'hash-key': runHashKey,
  usage: runUsage,
};

const [name, ...rest] = process.argv.slice(2);
const command = name === undefined ? undefined : commands[name];
if (!command) {
  process.stderr.write(`${name && name !== '--help' && name !== '-h' ? `Unknown command "${name}".\n\n` : ''}${USAGE}\n`);
  process.exitCode = name === '--help' || name === '-h' ? 0 : 2;
} else {
  command(rest).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
