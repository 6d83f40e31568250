/**
 * `npm run build`: bundles the executables and the catalog's loading worker into dist/ with esbuild. Type checking
 * is `npm run typecheck` (tsc); esbuild only strips the types.
 *
 * Why a bundle: start-up. Unbundled, the server's modules and their ~360 CommonJS dependencies were each resolved,
 * read and compiled on their own; bundled, the server with its bundled providers was ready in 0.55–0.75 s against
 * 0.95–1.05 s, and the worker threads that load a large catalog boot sooner too (README, "Performance").
 *
 * The layout is flat, and tests rely on it: dist/server.js, cli.js, healthcheck.js, load-worker.js and the chunks
 * they share, side by side. Modules find their neighbours from `import.meta.url` (`../providers`,
 * `../package.json`, `./load-worker.js`), which resolve the same from src/<module>.ts and dist/<chunk>.js.
 */
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * Output name (without .js) → source, one esbuild build per group: a build shares chunks among its entries, never
 * with another build's. The server and its loading worker share theirs; the command line and the health check
 * are built apart. Built together, the four split the server's code into other chunks, and that server spent about
 * 45 % more instructions per autoconfig GET (100k → 145k, bench:instructions): every process.nextTick took some
 * 800 ns instead of 150 (V8 took the runtime's slow path for nextTick's object literal; why such a layout leads it
 * there was not found). None of these entries is imported by another, so each stays its own file.
 */
const BUILDS = [
  // load-worker is spawned by catalog/load-off-thread.ts as `./load-worker.js` beside itself.
  { server: 'src/bin/server.ts', 'load-worker': 'src/catalog/load-worker.ts' },
  { cli: 'src/bin/cli.ts' },
  { healthcheck: 'src/bin/healthcheck.ts' },
] as const

/**
 * Left to node_modules at run time: packages that read files beside their own code (`__dirname`), which a bundle
 * would move. @fastify/swagger-ui serves its static files; @fastify/swagger reads its package.json; pino starts
 * transports from worker files (unused here, but not worth a trap). pino-pretty and yaml are loaded on demand
 * through createRequire, which esbuild leaves alone.
 */
const EXTERNAL_PACKAGES = ['@fastify/swagger-ui', '@fastify/swagger', 'pino'] as const

await rm(`${ROOT}/dist`, { recursive: true, force: true })
for (const entryPoints of BUILDS) {
  await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: 'dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...EXTERNAL_PACKAGES],
    // Bundled CommonJS packages call require() for Node's own modules; an ES module has no require of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  })
}
