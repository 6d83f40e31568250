/**
 * The load generator, run as a child process (see processes.ts): receives a LoadRequest over IPC, runs it
 * (load-run.ts), and answers with the run (load-result.ts) for the benchmark to sum up.
 */
import { runLoad, type LoadRequest } from './load-run.ts'

process.on('message', (request) => {
  runLoad(request as LoadRequest).then((run) => process.send?.(run), (error: unknown) => {
    process.stderr.write(`load generator: ${String(error)}\n`)
    process.exit(1)
  })
})
