/**
 * A worker thread of load-off-thread.ts: reads and checks each provider file it is given and posts the result
 * back as JSON text (see there); the checks that span files run on the calling thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { checkProviderFiles } from './load.ts'

const { files } = workerData as { files: string[] }
parentPort!.postMessage(JSON.stringify(checkProviderFiles(files)))
