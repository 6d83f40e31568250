/** `node dist/healthcheck.js`: the container's HEALTHCHECK (healthcheck.ts); exits 0 when the server is ready. */
import { main } from '../healthcheck.ts'

process.exitCode = await main()
