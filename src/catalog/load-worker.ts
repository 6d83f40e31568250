/**
 * A worker thread of load-off-thread.ts: claims shares of the listed files until none are left, reads and checks
 * each file of them, and posts each share's checks back as JSON text as soon as they are done (see there), then
 * null; the checks that span files run on the calling thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { FileShares, type SharedFileShares } from './file-shares.ts'
import { checkProviderFiles } from './load.ts'
import type { ShareChecks } from './load-off-thread.ts'

const shares = FileShares.from(workerData as SharedFileShares)
for (let share = shares.claim(); share !== undefined; share = shares.claim()) {
  const checked: ShareChecks = { index: share.index, checks: checkProviderFiles(share.files) }
  parentPort!.postMessage(JSON.stringify(checked))
}
parentPort!.postMessage(null)
