#!/usr/bin/env node
// The `vigil` command. Runs the compiled CLI; `npm ci` builds it (the `prepare` script).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
