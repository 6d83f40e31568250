import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { listProviderDirectory, listProviderFiles } from '../../src/catalog/list.ts'
import { loadProviders } from '../../src/catalog/load.ts'
import { VALID_PROVIDERS_DIR } from '../helper.ts'

t.test('links to files count as provider files (a Kubernetes ConfigMap volume); hidden and dangling ones do not', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'links-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, '..2026_01_01'))
  await writeFile(join(dir, '..2026_01_01', 'minimal.yaml'), await readFile(join(VALID_PROVIDERS_DIR, 'minimal.yaml'), 'utf8'))
  await symlink('..2026_01_01', join(dir, '..data'))
  await symlink('..data/minimal.yaml', join(dir, 'minimal.yaml'))
  await symlink('..data/gone.yaml', join(dir, 'dangling.yaml'))
  await writeFile(join(dir, '.hidden.yaml'), 'not: [a provider')
  t.same(await listProviderFiles(dir), [join(dir, 'minimal.yaml')])
  const loaded = await loadProviders(dir)
  t.ok(loaded.ok && loaded.catalog.match('minimal.test') !== undefined)
})

t.test('a listing is sorted by name and keeps only *.yaml and *.yml files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'listing-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  for (const name of ['b.yml', 'a.yaml', 'c.yaml.bak', 'README.md', 'd.json']) await writeFile(join(dir, name), 'x')
  await mkdir(join(dir, 'sub.yaml'))
  t.same(await listProviderDirectory(dir), { ok: true, files: [join(dir, 'a.yaml'), join(dir, 'b.yml')] })
})

t.test('a missing or empty directory is a problem with the directory as its file', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'listing-'))
  t.teardown(() => rm(empty, { recursive: true, force: true }))
  t.same(await listProviderDirectory(join(empty, 'gone')), { ok: false, problems: [{ file: join(empty, 'gone'), line: 1, col: 1, path: '', message: 'cannot read providers: directory does not exist' }] })
  t.same(await listProviderDirectory(empty), { ok: false, problems: [{ file: empty, line: 1, col: 1, path: '', message: 'no provider files (*.yaml) found' }] })
})
