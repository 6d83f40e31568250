/**
 * The worker thread of load-off-thread.ts: reads and validates the providers directory it is given and posts the
 * result (plain data) back.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { readProviders } from './load.ts'

const { dir } = workerData as { dir: string }
parentPort!.postMessage(await readProviders(dir))
