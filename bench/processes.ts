/**
 * Child processes for the benchmark and the soak test: servers on 127.0.0.1 started with `node`, their readiness
 * read from stdout, their memory read from /proc, and a load generator in a process of its own so it never shares
 * an event loop with the server it measures.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { LoadRequest, LoadResult } from './load.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export interface RunningServer {
  name: string
  url: string
  pid: number
  /** Milliseconds from spawn to the server printing that it listens. */
  startupMs: number
  stop (): Promise<void>
}

/** Starts `node <args>` with env, waits for the line `listening on http://…`, and returns its URL. */
export function startServer (name: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`)) }, timeoutMs)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output)
      if (match === null) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stdout.resume()
      resolve({ name, url: match[1]!, pid: child.pid!, startupMs: performance.now() - started, stop: () => stopChild(child) })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}:\n${output}`)) })
  })
}

function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.removeAllListeners('exit')
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

/** A load-generator process that runs autocannon on request and answers with its figures. */
export class LoadGenerator {
  readonly #child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })

  run (request: LoadRequest): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code}`))
      this.#child.once('exit', onExit)
      this.#child.once('message', (result) => { this.#child.off('exit', onExit); resolve(result as LoadResult) })
      this.#child.send(request)
    })
  }

  close (): void {
    this.#child.disconnect()
  }
}
