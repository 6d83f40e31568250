#!/usr/bin/env node
/** `mail-autoconfig …` (`node dist/cli.js`): the command line (cli/cli.ts). */
import { run } from '../cli/cli.ts'

const exitCode = await run(process.argv.slice(2))
if (exitCode !== 0) process.exitCode = exitCode
