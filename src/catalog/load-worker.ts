/** The task of load-off-thread.ts's worker threads: read and check one share of the listed files. */
import { checkProviderFiles, type FileChecks } from './load.ts'

export default function checkShare (files: string[]): FileChecks {
  return checkProviderFiles(files)
}
