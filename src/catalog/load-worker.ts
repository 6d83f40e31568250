/**
 * The worker thread of load-off-thread.ts: reads and validates the provider files it is given and posts the
 * result (plain data) back.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { readProviderFiles } from './load.ts'

const { files } = workerData as { files: string[] }
parentPort!.postMessage(readProviderFiles(files))
