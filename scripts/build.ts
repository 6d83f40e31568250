/**
 * `npm run build`: bundles the executables and the catalog's loading worker into dist/ with esbuild. Type checking
 * is `npm run typecheck` (tsc); esbuild only strips the types.
 *
 * Why a bundle: start-up. Unbundled, the server's modules and their ~360 CommonJS dependencies were each resolved,
 * read and compiled on their own; bundled, the server with its bundled providers was ready in 0.5–0.75 s against
 * 0.95–1.05 s, and the worker threads that load a large catalog boot sooner too (README, "Performance").
 *
 * The layout is flat, and tests rely on it: dist/server.js, cli.js, healthcheck.js, load-worker.js and the chunks
 * they share, side by side. Modules find their neighbours from `import.meta.url` (`../providers`,
 * `../package.json`, `./load-worker.js`), which resolve the same from src/<module>.ts and dist/<chunk>.js. The
 * settings page's templates and static files (src/views, src/public) are copied beside the bundle as dist/views
 * and dist/public for the same reason (src/page-files.ts).
 */
import { existsSync, readFileSync } from 'node:fs'
import { cp, readFile, rm } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * Output name (without .js) → source, in one build, whose entries share chunks. None of these entries is imported
 * by another, so each stays its own file.
 */
const ENTRY_POINTS = {
  server: 'src/bin/server.ts',
  // Spawned by catalog/load-off-thread.ts as `./load-worker.js` beside itself.
  'load-worker': 'src/catalog/load-worker.ts',
  cli: 'src/bin/cli.ts',
  healthcheck: 'src/bin/healthcheck.ts',
}

/** Directories copied as they are from src/ into dist/, found there beside the bundle (src/page-files.ts). */
const COPIED_DIRS = ['views', 'public']

/** The package a file in node_modules belongs to: its name and root (the nearest package.json with a name). */
function packageOf (file: string): { name: string, root: string } {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (!existsSync(manifest)) continue
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name
    if (name !== undefined) return { name, root: dir }
  }
  throw new Error(`${file}: no package.json with a name above it`)
}

/**
 * Packages that find files beside their own code through `__dirname` or `__filename` (@fastify/swagger-ui its
 * static files, @fastify/swagger its package.json, pino its transport workers) would look beside the bundle. Each
 * such file gets both as they are in node_modules at run time, found by Node's resolution from the bundle (the
 * banner's `require`), so the package's files are read where npm installed them (node_modules ships in the image).
 */
const packageDirnameAtRunTime: Plugin = {
  name: 'package-dirname-at-run-time',
  setup (build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8')
      if (!/\b__(dirname|filename)\b/.test(text)) return undefined
      const { name, root } = packageOf(args.path)
      if (relative(ROOT, root).split(sep).filter((part) => part === 'node_modules').length !== 1) {
        // Resolved from the bundle, the name would find the top-level copy, which may be another version.
        throw new Error(`${args.path}: a nested package that uses __dirname; resolve it explicitly in scripts/build.ts`)
      }
      const inPackage = relative(root, args.path).split(sep).join('/')
      const located = `var __filename = require('node:path').join(require('node:path').dirname(require.resolve(${JSON.stringify(`${name}/package.json`)})), ${JSON.stringify(inPackage)}); var __dirname = require('node:path').dirname(__filename);\n`
      return { contents: located + text, loader: 'js' }
    })
  },
}

await rm(`${ROOT}/dist`, { recursive: true, force: true })
await build({
  absWorkingDir: ROOT,
  entryPoints: ENTRY_POINTS,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [packageDirnameAtRunTime],
  // piscina starts workers from a file of its own and reads its package.json through its exports: it is loaded from
  // node_modules as installed, not bundled.
  external: ['piscina'],
  // Bundled CommonJS packages call require() for Node's own modules; an ES module has no require of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
})
for (const dir of COPIED_DIRS) await cp(`${ROOT}/src/${dir}`, `${ROOT}/dist/${dir}`, { recursive: true })
