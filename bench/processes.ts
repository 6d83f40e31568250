/**
 * Child processes for the benchmark and the soak test: servers on 127.0.0.1 started with `node`, their readiness
 * read from stdout, their memory read from /proc, and a load generator in a process of its own so it never shares
 * an event loop with the server it measures.
 */
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { LoadRequest } from './load-run.ts'
import { joinRuns, type LoadResult, type LoadRun } from './load-result.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface RunningServer {
  name: string
  url: string
  pid: number
  /** Milliseconds from spawn to the server answering its readiness path. */
  startupMs: number
  stop (): Promise<void>
}

/** A port free on 127.0.0.1 right now. */
export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Starts `node <args>` with env and PORT set to a free port, and waits until `readyPath` answers 200 (or 404: a
 * server without that route is ready once it listens). Start-up time runs from spawn to that answer, so it
 * includes loading and preparing the catalog. `launcher`: a command that runs node, e.g. valgrind and its options
 * (the process it starts keeps the pid and runs node itself).
 */
export async function startServer (name: string, args: string[], env: Record<string, string>, readyPath = '/readyz', timeoutMs = 60_000, launcher: string[] = []): Promise<RunningServer> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const started = performance.now()
  const [command, commandArgs] = launcher.length === 0 ? [process.execPath, args] : [launcher[0]!, [...launcher.slice(1), process.execPath, ...args]]
  const child = spawn(command, commandArgs, { cwd: ROOT, env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  let exited: number | null | undefined
  child.once('exit', (code) => { exited = code })
  while (performance.now() - started < timeoutMs) {
    if (exited !== undefined) throw new Error(`${name} exited with ${exited}:\n${stderr}`)
    const status = await fetch(url + readyPath).then((res) => res.status, () => 0)
    if (status === 200 || status === 404) {
      return { name, url, pid: child.pid!, startupMs: performance.now() - started, stop: () => stopChild(child) }
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  child.kill('SIGKILL')
  throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${stderr}`)
}

function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => { clearTimeout(force); resolve() })
    child.kill('SIGTERM')
  })
}

/** Resident set size of a process in bytes (Linux: VmRSS in /proc/<pid>/status). */
export async function rssBytes (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  if (kb === undefined) throw new Error(`no VmRSS for ${pid}`)
  return Number(kb) * 1024
}

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100

/**
 * CPU time a process has used, user plus system, in seconds (/proc/<pid>/stat fields 14 and 15). CPU time per
 * request is steadier than req/s on a machine others are using too: it does not count time spent waiting.
 */
export async function cpuSeconds (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces; the fields after it are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

/**
 * Which CPUs the measured servers and the load generator run on. On a shared host the CPUs of one machine differ in
 * speed (on the 2-vCPU machine of the README's figures, the same server pinned to one ran 11 % slower than pinned to
 * the other, in paired rounds), and the scheduler keeps a busy process on one CPU; so two servers left to the
 * scheduler may be compared on different CPUs, and a whole run is skewed by where they landed. The servers compared
 * therefore share one CPU and the load generator gets the others, as in a comparison with wrk on one core each.
 * Undefined on a single CPU.
 */
export function cpuPlan (cpus = availableParallelism()): { servers: string, load: string } | undefined {
  return cpus < 2 ? undefined : { servers: '0', load: cpus === 2 ? '1' : `1-${cpus - 1}` }
}

/**
 * Pins every thread of a running process to `cpus` (a taskset list such as `0` or `1-3`); false where that cannot
 * be done (no `taskset`, not Linux), and then nothing is pinned. Servers are pinned once they are ready, so their
 * start-up (which loads a large catalog on a worker per core) still has every core.
 */
export function pinToCpus (pid: number, cpus: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], (error) => resolve(error === null))
  })
}

/** A load-generator process that runs autocannon on request and answers with its figures. */
export class LoadGenerator {
  readonly #child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })

  get pid (): number {
    return this.#child.pid!
  }

  run (request: LoadRequest): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code}`))
      this.#child.once('exit', onExit)
      this.#child.once('message', (run) => { this.#child.off('exit', onExit); resolve(joinRuns([run as LoadRun])) })
      this.#child.send(request)
    })
  }

  close (): void {
    this.#child.disconnect()
  }
}
