#!/usr/bin/env node
import { main } from './cli.ts';

// A closed pipe (`tracemark … | head`) is a normal way for a reader to stop: exit quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
