/** `node dist/healthcheck.js`: the container's HEALTHCHECK (process/healthcheck.ts); exits 0 when the server is ready. */
import { main } from '../process/healthcheck.ts'

process.exitCode = await main()
