import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import t from 'tap'
import { runExport } from '../../src/ispdb/export-command.ts'
import { renderAutoconfig } from '../../src/render/autoconfig.ts'
import { loadProviders } from '../../src/catalog/load.ts'
import { INVALID_PROVIDERS_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'

function sink () {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return { stream, lines: () => chunks.join('').split('\n').filter((line) => line !== '') }
}

async function exportTo (providersDir: string, out: string) {
  const stdout = sink()
  const stderr = sink()
  const code = await runExport({ providersDir, out }, stdout.stream, stderr.stream)
  return { code, out: stdout.lines(), err: stderr.lines() }
}

t.test('writes v1.1/<domain> files, reports wildcards and removes domains no longer served', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'mail-autoconfig-export-'))
  t.teardown(() => rm(out, { recursive: true, force: true }))
  await mkdir(join(out, 'v1.1', 'keep-dir'), { recursive: true })
  await writeFile(join(out, 'v1.1', 'gone.example'), 'old')

  const result = await exportTo(VALID_PROVIDERS_DIR, out)
  t.equal(result.code, 0)
  t.same(result.out, [
    `removed ${join(out, 'v1.1', 'gone.example')}: no provider serves gone.example any more`,
    'skipped *.example.org: a static host cannot answer for every subdomain; only the server can',
    `exported 4 domain(s) of 2 provider(s) to ${join(out, 'v1.1')}; serve them with Content-Type application/xml (see providers/README.md)`,
  ])
  t.same((await readdir(join(out, 'v1.1'))).sort(), ['.htaccess', 'example.com', 'example.net', 'keep-dir', 'minimal.test', 'xn--bcher-kva.example'], 'directories are left alone')
  const loaded = await loadProviders(VALID_PROVIDERS_DIR)
  if (!loaded.ok) throw new Error('fixtures must load')
  t.equal(await readFile(join(out, 'v1.1', 'minimal.test'), 'utf8'), renderAutoconfig(loaded.catalog.providers.get('minimal')!))
})

t.test('invalid providers export nothing', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'mail-autoconfig-export-'))
  t.teardown(() => rm(out, { recursive: true, force: true }))
  const result = await exportTo(INVALID_PROVIDERS_DIR, out)
  t.equal(result.code, 1)
  t.match(result.err.at(-1), /^\d+ problem\(s\) in .*; nothing exported$/)
  t.same(await readdir(out), [])
})

t.test('an --out that cannot be written is one line naming the path, and exit 1 (issue 31)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'export-out-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'a-file')
  await writeFile(file, 'not a directory')
  const result = await exportTo(VALID_PROVIDERS_DIR, file)
  t.equal(result.code, 1)
  t.same(result.err, [`cannot write the export to ${join(file, 'v1.1')}: a part of the path is a file, not a directory; nothing more exported`])
  t.same(result.out, [])
})
