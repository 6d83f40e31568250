/** Capturing the command line's output, for the tests of test/cli/. */
import { Writable } from 'node:stream'
import { run } from '../../src/cli/cli.ts'

/** A stream that keeps what is written to it. */
export function sink (): { stream: Writable, text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return { stream, text: () => chunks.join('') }
}

/** Runs the command line with process.stdout and process.stderr captured. */
export async function runCaptured (argv: string[]): Promise<{ code: number, out: string, err: string }> {
  const out: string[] = []
  const err: string[] = []
  const { write: writeOut } = process.stdout
  const { write: writeErr } = process.stderr
  process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true }) as typeof process.stdout.write
  process.stderr.write = ((chunk: string) => { err.push(String(chunk)); return true }) as typeof process.stderr.write
  try {
    return { code: await run(argv), out: out.join(''), err: err.join('') }
  } finally {
    process.stdout.write = writeOut
    process.stderr.write = writeErr
  }
}
