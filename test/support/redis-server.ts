/**
 * A real redis-server (Debian's package; `.ci/run` installs it) on a free port of 127.0.0.1, without persistence,
 * started by the test that needs it and killed when it ends. Tests stop and start it again on the same port to
 * play an outage. A missing redis-server fails the test: nothing here skips.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'

interface Teardown { teardown (fn: () => unknown): void }

const READY = 'Ready to accept connections'
const START_TIMEOUT_MS = 10_000

/** A port nothing listens on right now (redis-server has no `--port 0`). */
export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

export class RedisServer {
  readonly port: number
  #process: ChildProcess | undefined
  #output = ''

  constructor (port: number) {
    this.port = port
  }

  get url (): string {
    return `redis://127.0.0.1:${this.port}`
  }

  get running (): boolean {
    return this.#process !== undefined
  }

  /** Starts the server and waits until it accepts connections. */
  async start (): Promise<void> {
    if (this.#process !== undefined) throw new Error('redis-server is already running')
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.#process = child
    this.#output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS}ms:\n${this.#output}`)), START_TIMEOUT_MS)
      const fail = (error: Error) => {
        clearTimeout(timer)
        this.#process = undefined
        reject(error)
      }
      const read = (chunk: Buffer) => {
        this.#output += chunk.toString()
        if (this.#output.includes(READY)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout.on('data', read)
      child.stderr.on('data', read)
      child.once('error', (error) => fail(new Error(`cannot run redis-server (install Debian's redis-server package): ${error.message}`)))
      child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${this.#output}`)))
    })
  }

  /** Stops the process without closing its connections (SIGSTOP): a Redis that hangs. */
  pause (): void {
    this.#process?.kill('SIGSTOP')
  }

  resume (): void {
    this.#process?.kill('SIGCONT')
  }

  /** Kills the server at once (SIGKILL: no goodbye to its clients), as a crash or a lost node would. */
  async kill (): Promise<void> {
    const child = this.#process
    if (child === undefined) return
    this.#process = undefined
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }
}

/** A running redis-server, killed when the test ends. */
export async function startRedisServer (t: Teardown): Promise<RedisServer> {
  const server = new RedisServer(await freePort())
  t.teardown(() => server.kill())
  await server.start()
  return server
}
