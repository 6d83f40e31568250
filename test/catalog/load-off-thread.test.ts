import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { loadProvidersOffThread } from '../../src/catalog/load-off-thread.ts'
import { BUNDLED_DIR, INVALID_PROVIDERS_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'

t.test('a worker thread (asked for at any size) loads the same catalog as the main thread', async (t) => {
  for (const dir of [BUNDLED_DIR, VALID_PROVIDERS_DIR]) {
    const [here, there] = await Promise.all([loadProviders(dir), loadProvidersOffThread(dir, { minFiles: 1 })])
    if (!here.ok || !there.ok) throw new Error(`${dir} must load`)
    t.same([...there.catalog.providers.entries()], [...here.catalog.providers.entries()], dir)
    t.equal(there.catalog.domainCount, here.catalog.domainCount)
    t.same(there.files, here.files)
    t.same(there.catalog.match('googlemail.com') ?? null, here.catalog.match('googlemail.com') ?? null)
  }
})

t.test('and reports the same problems, every one with its position', async (t) => {
  const [here, there] = await Promise.all([loadProviders(INVALID_PROVIDERS_DIR), loadProvidersOffThread(INVALID_PROVIDERS_DIR, { minFiles: 1, shareFiles: 3 })])
  if (here.ok || there.ok) throw new Error('the invalid fixtures must not load')
  t.ok(there.problems.length > 1)
  t.same(there.problems, here.problems)
})

t.test('a missing directory is a problem, not a crash', async (t) => {
  const there = await loadProvidersOffThread('/nonexistent/providers')
  t.match(there, { ok: false, problems: [{ file: '/nonexistent/providers', message: /directory does not exist/ }] })
})

t.test('a listed file that cannot be read fails the load', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'off-thread-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const name = (i: number) => join(dir, `p${String(i).padStart(4, '0')}.yaml`)
  for (let i = 0; i < 1200; i++) writeFileSync(name(i), `name: Hoster ${i}\ndomains: [h${i}.test]\nincoming: [{ type: imap, host: imap.h${i}.test }]\noutgoing: [{ host: smtp.h${i}.test }]\n`)
  // Linux: a link to a regular file whose reading fails (EIO), so it is listed and then cannot be read.
  rmSync(name(600))
  symlinkSync('/proc/self/mem', name(600))
  await t.rejects(loadProvidersOffThread(dir, { minFiles: 1000, maxWorkers: 2, shareFiles: 10 }), /EIO/, 'the load fails')
})
