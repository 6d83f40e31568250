// The off-thread load split in shares among several workers: its point (the event loop stays free) and its
// correctness across shares. Apart from load-off-thread.test.ts so that neither file takes long on its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { loadProvidersOffThread } from '../../src/catalog/load-off-thread.ts'

t.test('the main thread stays free while a large directory loads', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'off-thread-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (let i = 0; i < 1500; i++) {
    writeFileSync(join(dir, `p${i}.yaml`), `name: Hoster ${i}\ndomains: [a.h${i}.test, b.h${i}.test]\nincoming:\n  - type: imap\n    host: imap.h${i}.test\noutgoing:\n  - host: smtp.h${i}.test\n`)
  }
  /** The longest the event loop went without a turn while `load` ran. */
  const longestStall = async (load: typeof loadProviders) => {
    let longest = 0
    let last = performance.now()
    let done = false
    const tick = () => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
      if (!done) setImmediate(tick)
    }
    setImmediate(tick)
    const loaded = await load(dir)
    // One more turn, so a stall that ended with the load is measured too.
    await new Promise((resolve) => setImmediate(resolve))
    done = true
    t.ok(loaded.ok && loaded.catalog.providers.size === 1500)
    return longest
  }
  const onThread = await longestStall(loadProviders)
  const offThread = await longestStall((dir) => loadProvidersOffThread(dir, { minFiles: 1000 }))
  const below = await longestStall((dir) => loadProvidersOffThread(dir, { minFiles: 2000 }))
  t.ok(onThread > 2 * offThread, `loading on a worker stalls the event loop less: ${offThread.toFixed(0)} ms against ${onThread.toFixed(0)} ms here`)
  t.ok(below > 2 * offThread, `below the threshold it loads here (${below.toFixed(0)} ms stall)`)
})

t.test('split among workers, clashes between files of different workers are still found', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'off-thread-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const provider = (i: number, domain: string) => `name: Hoster ${i}\ndomains: [${domain}]\nincoming:\n  - type: imap\n    host: imap.h${i}.test\noutgoing:\n  - host: smtp.h${i}.test\n`
  // Listed in name order: p0…p5. With two files per worker at least, p0 and p5 fall to different workers.
  for (let i = 0; i < 6; i++) writeFileSync(join(dir, `p${i}.yaml`), provider(i, i === 5 ? 'h0.test' : `h${i}.test`))
  writeFileSync(join(dir, 'p6.yaml'), 'name: [broken\n')
  const [here, there, oneWorker] = await Promise.all([loadProviders(dir), loadProvidersOffThread(dir, { minFiles: 2, maxWorkers: 2, shareFiles: 2 }), loadProvidersOffThread(dir, { minFiles: 2, maxWorkers: 1 })])
  if (here.ok || there.ok || oneWorker.ok) throw new Error('the clash and the broken file must be found')
  t.same(there.problems, here.problems, 'the same problems, in the same order')
  t.same(oneWorker.problems, here.problems, 'and with a single worker')
  // Each file's own problems first, then the clashes between files.
  t.match(there.problems, [
    { file: join(dir, 'p6.yaml') },
    { file: join(dir, 'p5.yaml'), path: 'domains.0', message: /"h0.test" is already claimed by .*p0.yaml/ },
  ])
  rmSync(join(dir, 'p6.yaml'))
  writeFileSync(join(dir, 'p5.yaml'), provider(5, 'h5.test'))
  const loaded = await loadProvidersOffThread(dir, { minFiles: 2, shareFiles: 2 })
  t.ok(loaded.ok && loaded.catalog.providers.size === 6 && loaded.catalog.match('h5.test')?.provider.id === 'p5', 'and without them, every provider from every worker')
})
