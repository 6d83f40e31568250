import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Catalog } from '../../src/catalog/catalog.ts'
import { ProviderLookup } from '../../src/catalog/lookup.ts'
import { CatalogReloader, type ReloadOutcome } from '../../src/catalog/reload.ts'
import { loadConfig } from '../../src/config.ts'
import { startServer } from '../../src/server.ts'

function provider (host: string): string {
  return `name: Reload Mail\ndomains: [reload.test]\nincoming:\n  - type: imap\n    host: ${host}\noutgoing:\n  - host: ${host}\n`
}
const OTHER = 'name: Other Mail\ndomains: [other.test]\nincoming:\n  - type: imap\n    host: imap.other.test\noutgoing:\n  - host: smtp.other.test\n'
/** Valid YAML with one mistake on line 6: a port out of range. */
const BROKEN = provider('imap.broken.reload.test').replace('    host: imap.broken.reload.test\n', '    host: imap.broken.reload.test\n    port: 99999\n')

/** A providers directory of its own, removed when the test ends. */
function providersDir (t: { teardown (fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'reload-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'reload.yaml'), provider('imap.v1.reload.test'))
  writeFileSync(join(dir, 'other.yaml'), OTHER)
  return dir
}

/** Writes a file the way editors and `kubectl` do: a temporary file renamed over the old one. */
function replaceFile (path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text)
  renameSync(`${path}.tmp`, path)
}

const hostOf = (lookup: ProviderLookup) => lookup.catalog.match('reload.test')?.provider.incoming[0]?.host

t.test('a valid change is prepared, then swapped in; a broken one keeps the last good catalog', async (t) => {
  const dir = providersDir(t)
  const lookup = new ProviderLookup(new Catalog([]))
  const prepared: Array<{ catalog: Catalog, servingThen: Catalog }> = []
  const outcomes: ReloadOutcome[] = []
  const reloader = new CatalogReloader({
    dir,
    lookup,
    prepare: (catalog) => prepared.push({ catalog, servingThen: lookup.catalog }),
    onReload: (outcome) => outcomes.push(outcome),
  })

  const first = await reloader.reload('test')
  t.equal(first.ok, true)
  t.equal(hostOf(lookup), 'imap.v1.reload.test')
  t.equal(prepared.length, 1)
  t.not(prepared[0]!.catalog, prepared[0]!.servingThen, 'prepared before it was served')
  t.equal(prepared[0]!.catalog, lookup.catalog)

  const good = lookup.catalog
  writeFileSync(join(dir, 'reload.yaml'), BROKEN)
  const broken = await reloader.reload('test')
  t.equal(broken.ok, false)
  if (!broken.ok) t.match(broken.problems[0], { file: join(dir, 'reload.yaml'), line: 6, path: 'incoming.0.port' })
  t.equal(lookup.catalog, good, 'the last good catalog keeps serving')
  t.equal(prepared.length, 1, 'nothing prepared for a broken catalog')

  writeFileSync(join(dir, 'duplicate.yaml'), OTHER.replace('Other Mail', 'Copy'))
  writeFileSync(join(dir, 'reload.yaml'), provider('imap.v2.reload.test'))
  const clash = await reloader.reload('test')
  t.equal(clash.ok, false, 'cross-file problems reject the reload too')
  t.equal(lookup.catalog, good)

  rmSync(join(dir, 'duplicate.yaml'))
  t.equal((await reloader.reload('test')).ok, true)
  t.equal(hostOf(lookup), 'imap.v2.reload.test')
  t.same(outcomes.map((o) => o.ok), [true, false, false, true])

  rmSync(dir, { recursive: true })
  const gone = await reloader.reload('test')
  t.equal(gone.ok, false, 'a vanished directory is a failed reload, not a crash')
  t.equal(hostOf(lookup), 'imap.v2.reload.test')
})

t.test('reloads never overlap: changes during a reload queue exactly one more', async (t) => {
  const dir = providersDir(t)
  const lookup = new ProviderLookup(new Catalog([]))
  let loads = 0
  const reloader = new CatalogReloader({ dir, lookup, onReload: () => { loads++ } })
  const all = await Promise.all([reloader.reload('a'), reloader.reload('b'), reloader.reload('c'), reloader.reload('d')])
  t.equal(loads, 2)
  t.equal(all[1], all[3], 'the queued reload is shared')
  t.ok(all.every((o) => o.ok))
})

t.test('under concurrent requests: zero failures, edits served within two seconds, broken edits ignored', async (t) => {
  const dir = providersDir(t)
  const logs: string[] = []
  const destination = { write: (line: string) => { logs.push(line) } }
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', PROVIDERS_DIR: dir, LOG_LEVEL: 'info', RATE_LIMIT_MAX: '0' })
  const server = await startServer(config, { signals: false, logDestination: destination })
  if (server === undefined) throw new Error('server did not start')
  t.teardown(() => server.stop())
  const url = `${server.address}/v1.1/reload.test`

  const seen = new Map<string, number>()
  const failures: string[] = []
  let requests = 0
  const state = { running: true }
  async function client () {
    while (state.running) {
      requests++
      try {
        const res = await fetch(url)
        const body = await res.text()
        const host = /<hostname>([^<]+)<\/hostname>/.exec(body)?.[1]
        if (res.status !== 200 || host === undefined) failures.push(`${res.status} ${body.slice(0, 80)}`)
        else seen.set(host, (seen.get(host) ?? 0) + 1)
      } catch (error) {
        failures.push(String(error))
      }
    }
  }
  const clients = Array.from({ length: 6 }, client)
  const latest = async () => {
    const res = await fetch(url)
    return /<hostname>([^<]+)<\/hostname>/.exec(await res.text())?.[1]
  }
  /** Polls until the answer names `host`; returns how long that took, or Infinity after 5 s. */
  async function servedWithin (host: string): Promise<number> {
    const started = performance.now()
    while (performance.now() - started < 5000) {
      if (await latest() === host) return performance.now() - started
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return Infinity
  }
  const metric = async (name: string) => {
    const text = await (await fetch(`${server.address}/metrics`)).text()
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1])
  }

  try {
    await new Promise((resolve) => setTimeout(resolve, 200))
    replaceFile(join(dir, 'reload.yaml'), provider('imap.v2.reload.test'))
    const firstEdit = await servedWithin('imap.v2.reload.test')
    t.ok(firstEdit < 2000, `an edit is served after ${Math.round(firstEdit)} ms`)

    const failuresBefore = await metric('mail_autoconfig_reload_failures_total')
    writeFileSync(join(dir, 'reload.yaml'), BROKEN)
    const deadline = performance.now() + 5000
    while (await metric('mail_autoconfig_reload_failures_total') === failuresBefore && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    t.ok(await metric('mail_autoconfig_reload_failures_total') > failuresBefore, 'the broken edit is counted')
    t.equal(await latest(), 'imap.v2.reload.test', 'the last good catalog keeps serving')
    const rejected = logs.map((l) => JSON.parse(l)).find((r) => /^reload rejected/.test(r.msg))
    t.match(rejected, { level: 50, reason: 'file change', problems: [/reload\.yaml:6:\d+ incoming\.0\.port: /] }, 'the problem is logged with its position')

    replaceFile(join(dir, 'reload.yaml'), provider('imap.v3.reload.test'))
    const fixed = await servedWithin('imap.v3.reload.test')
    t.ok(fixed < 2000, `the fix is served after ${Math.round(fixed)} ms`)
    t.ok(await metric('mail_autoconfig_reloads_total') >= 3)
    t.ok(await metric('mail_autoconfig_last_successful_reload_timestamp_seconds') > Date.now() / 1000 - 10)
  } finally {
    state.running = false
    await Promise.all(clients)
  }
  t.same(failures, [], `no request failed out of ${requests}`)
  t.ok(requests > 50, `${requests} requests during the reloads`)
  t.ok((seen.get('imap.v1.reload.test') ?? 0) > 0 && (seen.get('imap.v3.reload.test') ?? 0) > 0, 'old and new answers were both served')
})

/**
 * Publishes files the way the kubelet updates a ConfigMap volume: a new timestamped directory, then one atomic
 * rename of the `..data` link; the visible names are links through `..data` (kubernetes AtomicWriter).
 */
function publishConfigMap (dir: string, files: Record<string, string>, version: number): void {
  const target = `..2026_01_01_00_00_0${version}`
  mkdirSync(join(dir, target))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, target, name), text)
  symlinkSync(target, join(dir, '..data_tmp'))
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'))
  for (const name of Object.keys(files)) {
    try {
      symlinkSync(`..data/${name}`, join(dir, name))
    } catch {
      // already linked by an earlier version
    }
  }
  if (version > 1) rmSync(join(dir, `..2026_01_01_00_00_0${version - 1}`), { recursive: true })
}

t.test('a Kubernetes ConfigMap update (atomic ..data swap) is picked up by the watcher', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'configmap-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  publishConfigMap(dir, { 'reload.yaml': provider('imap.v1.reload.test') }, 1)
  const lookup = new ProviderLookup(new Catalog([]))
  const outcomes: ReloadOutcome[] = []
  const reloader = new CatalogReloader({ dir, lookup, debounceMs: 50, onReload: (outcome) => outcomes.push(outcome) })
  t.teardown(() => reloader.close())
  await reloader.reload('start')
  t.equal(hostOf(lookup), 'imap.v1.reload.test')
  reloader.watch()

  publishConfigMap(dir, { 'reload.yaml': provider('imap.v2.reload.test') }, 2)
  const deadline = performance.now() + 2000
  while (hostOf(lookup) !== 'imap.v2.reload.test' && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(hostOf(lookup), 'imap.v2.reload.test', 'served within two seconds')
  t.ok(outcomes.every((o) => o.ok), 'no reload saw a half-swapped volume')
})
