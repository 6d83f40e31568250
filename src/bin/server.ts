/**
 * `node dist/server.js`: the server (server.ts). The executables are these small files, imported by nothing, so a
 * bundle (scripts/build.ts) keeps each as its own entry file; the modules they start can be imported by tests.
 */
import { main } from '../server.ts'

await main()
