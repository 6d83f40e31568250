/**
 * A worker thread of load-off-thread.ts: claims shares of the listed files until none are left, reads and checks
 * each file of them, and posts each share's checks back as JSON text as soon as they are done (see there), then
 * null; the checks that span files run on the calling thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { FileShares } from './file-shares.ts'
import { checkProviderFiles } from './load.ts'
import type { WorkerShares } from './load-off-thread.ts'

const { files, shareFiles, next } = workerData as WorkerShares
const shares = new FileShares(files, shareFiles, next)
for (let share = shares.claim(); share !== undefined; share = shares.claim()) {
  parentPort!.postMessage(JSON.stringify({ index: share.index, checks: checkProviderFiles(share.files) }))
}
parentPort!.postMessage(null)
