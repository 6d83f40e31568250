import { Writable } from 'node:stream'
import t from 'tap'
import { check } from '../src/cli.ts'
import { BUNDLED_DIR, INVALID_PROVIDERS_DIR } from './helper.ts'

function sink () {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return { stream, text: () => chunks.join('') }
}

t.test('check passes the bundled providers', async (t) => {
  const out = sink()
  const err = sink()
  t.equal(await check(BUNDLED_DIR, out.stream, err.stream), 0)
  t.match(out.text(), /providers, \d+ domains, no problems/)
  t.equal(err.text(), '')
})

t.test('check lists every problem with its position and exits 1', async (t) => {
  const out = sink()
  const err = sink()
  t.equal(await check(INVALID_PROVIDERS_DIR, out.stream, err.stream), 1)
  const lines = err.text().trim().split('\n')
  t.match(lines, [/three-mistakes|bad-|empty|missing|no-outgoing|pop3|unknown|yaml/])
  t.ok(lines.some((l) => l.endsWith('three-mistakes.yaml:2:1 displayNameShort: unknown key (check its spelling in providers/README.md)')))
  t.match(lines.at(-1), /^\d+ problem\(s\) in /)
  t.equal(out.text(), '')
})

t.test('import needs exactly one input and refuses unknown options', async (t) => {
  const { run } = await import('../src/cli.ts')
  const stderr = process.stderr.write
  const written: string[] = []
  process.stderr.write = ((chunk: string) => { written.push(String(chunk)); return true }) as typeof process.stderr.write
  try {
    t.equal(await run(['import']), 2)
    t.equal(await run(['import', 'a.xml', '--outt', 'x']), 2)
  } finally {
    process.stderr.write = stderr
  }
  t.match(written.join(''), /import takes one file or directory[\s\S]*Unknown option '--outt'/)
})
