import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { check } from '../../src/cli/cli.ts'
import { runImport } from '../../src/ispdb/import-command.ts'
import { fixture } from '../helper.ts'

function sink () {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return { stream, lines: () => chunks.join('').split('\n').filter((line) => line !== '') }
}

async function tempDir (t: { teardown (fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mail-autoconfig-import-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function importInto (input: string, out: string, force = false) {
  const stdout = sink()
  const stderr = sink()
  const code = await runImport({ input, out, force }, stdout.stream, stderr.stream)
  return { code, out: stdout.lines(), err: stderr.lines() }
}

t.test('a directory: good files are written and pass check, bad ones are reported, other files skipped', async (t) => {
  const dir = await tempDir(t)
  const input = join(dir, 'in')
  const out = join(dir, 'out')
  await mkdir(input)
  await writeFile(join(input, 'quirks.example.xml'), await fixture('ispdb/quirks.example.xml'))
  await writeFile(join(input, 'broken.xml'), '<clientConfig><emailProvider></clientConfig>')
  await writeFile(join(input, 'README.md'), 'not a config')

  const result = await importInto(input, out)
  t.equal(result.code, 1, 'one file failed')
  t.equal(result.out[0], `${input}: skipped 1 file(s) not named *.xml: README.md`)
  t.ok(result.out.includes(`${join(input, 'quirks.example.xml')}:6: fixed: <domain> quirks.example is listed twice; kept once`), 'notes name the input file and line')
  t.equal(result.out.at(-1), `imported 1 of 2 file(s) into ${out}: 12 fix(es), 10 value(s) not carried over; each file lists its notes at the top`)
  t.match(result.err, [/^.*broken\.xml:1:\d+: error: not well-formed XML: /, `${join(input, 'broken.xml')}: not imported`])
  t.same(await readdir(out), ['quirks.example.yaml'])
  t.equal(await check(out, sink().stream, sink().stream), 0, 'the produced file passes check')
})

t.test('existing files are kept unless --force; a domain clash writes nothing', async (t) => {
  const dir = await tempDir(t)
  const input = join(dir, 'quirks.example.xml')
  await writeFile(input, await fixture('ispdb/quirks.example.xml'))
  const out = join(dir, 'out')
  t.equal((await importInto(input, out)).code, 0)
  const first = await readFile(join(out, 'quirks.example.yaml'), 'utf8')

  const again = await importInto(input, out)
  t.equal(again.code, 1)
  t.same(again.err, [`${input}: ${join(out, 'quirks.example.yaml')} exists; pass --force to replace it`])

  const forced = await importInto(input, out, true)
  t.equal(forced.code, 0)
  t.equal(await readFile(join(out, 'quirks.example.yaml'), 'utf8'), first, 'the same input gives the same file')

  await writeFile(join(out, 'other.yaml'), 'name: Other\ndomains: [quirks.example.net]\nincoming: [{ type: imap, host: imap.other.example }]\noutgoing: [{ host: smtp.other.example }]\n')
  const clash = await importInto(input, out, true)
  t.equal(clash.code, 1)
  t.match(clash.err, [/quirks\.example\.yaml:\d+:\d+ domains\.1: "quirks\.example\.net" is already claimed by .*other\.yaml$/, `the imported files would not pass check together with ${out}; nothing written`])
  t.equal(await readFile(join(out, 'quirks.example.yaml'), 'utf8'), first)
})

t.test('a missing input or an empty directory is an error', async (t) => {
  const dir = await tempDir(t)
  const missing = await importInto(join(dir, 'nope.xml'), join(dir, 'out'))
  t.same([missing.code, missing.err], [1, [`cannot read ${join(dir, 'nope.xml')}: no such file or directory`]])
  const empty = await importInto(dir, join(dir, 'out'))
  t.same([empty.code, empty.err], [1, [`${dir}: no *.xml files to import`]])
})
