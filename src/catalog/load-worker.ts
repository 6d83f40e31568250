/**
 * A worker thread of load-off-thread.ts: reads and checks each provider file it is given and posts the result
 * (plain data) back; the checks that span files run on the calling thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { checkProviderFiles } from './load.ts'

const { files } = workerData as { files: string[] }
parentPort!.postMessage(checkProviderFiles(files))
