import { readdir, readFile, mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildCatalog, checkProviderFiles, combineFileChecks, loadProviders, parseProviderFile } from '../../src/catalog/load.ts'
import { formatProblem } from '../../src/catalog/report.ts'
import { BUNDLED_DIR, INVALID_PROVIDERS_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'

/** Problems of one invalid fixture, formatted as the server and `check` print them. */
async function problemsOf (name: string): Promise<string[]> {
  const file = `fixtures/${name}`
  const loaded = buildCatalog([{ file, text: await readFile(join(INVALID_PROVIDERS_DIR, name), 'utf8') }])
  if (loaded.ok) throw new Error(`${name} must not load`)
  return loaded.problems.map(formatProblem)
}

// One fixture per kind of mistake, with the exact message an author sees.
const EXPECTED: Record<string, string[]> = {
  'three-mistakes.yaml': [
    'fixtures/three-mistakes.yaml:2:1 displayNameShort: unknown key (check its spelling in providers/README.md)',
    'fixtures/three-mistakes.yaml:7:11 incoming.0.port: expected number, got "993"',
    'fixtures/three-mistakes.yaml:10:15 outgoing.0.security: must be one of "tls", "starttls", "plain", got "ssl"',
  ],
  'yaml-syntax.yaml': ['fixtures/yaml-syntax.yaml:3:1 YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  'unknown-key.yaml': ['fixtures/unknown-key.yaml:6:5 incoming.0.hostname: unknown key (check its spelling in providers/README.md)'],
  'missing-name.yaml': ['fixtures/missing-name.yaml:1:1 name: required (string)'],
  'bad-type.yaml': ['fixtures/bad-type.yaml:4:11 incoming.0.type: must be one of "imap", "pop3", got "exchange"'],
  'bad-port.yaml': ['fixtures/bad-port.yaml:6:11 incoming.0.port: Too big: expected number to be <=65535'],
  'bad-domain.yaml': ['fixtures/bad-domain.yaml:4:5 domains.1: "not a domain" is not a domain such as example.com or *.example.com'],
  'bad-hostname.yaml': ['fixtures/bad-hostname.yaml:5:11 incoming.0.host: "imap_bad..test" is not a valid hostname'],
  'bad-placeholder.yaml': [
    'fixtures/bad-placeholder.yaml:6:15 incoming.0.username: stray "%": placeholders are written %NAME%',
    'fixtures/bad-placeholder.yaml:9:15 outgoing.0.username: unknown placeholder %EMAILUSER%; use one of %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%, %REALNAME%',
  ],
  'bad-auth.yaml': [
    'fixtures/bad-auth.yaml:6:11 incoming.0.auth: none is only possible on an outgoing server',
    'fixtures/bad-auth.yaml:9:12 outgoing.0.auth.0: must be one of "password-cleartext", "password-encrypted", "oauth2", "ntlm", "gssapi", "client-ip-address", "tls-client-cert", "smtp-after-pop", "none", got "plain"',
  ],
  'bad-url.yaml': ['fixtures/bad-url.yaml:9:10 documentation.0.url: must be an http:// or https:// URL'],
  'no-outgoing.yaml': ['fixtures/no-outgoing.yaml:6:11 outgoing: Too small: expected array to have >=1 items'],
  'pop3-on-imap.yaml': ['fixtures/pop3-on-imap.yaml:7:7 incoming.0.pop3: pop3 options are only allowed on a pop3 server'],
  'empty.yaml': ['fixtures/empty.yaml:1:1 the file is empty; expected a provider (name, domains, incoming, outgoing)'],
}

t.test('every invalid fixture reports each mistake at its line and column', async (t) => {
  const fixtures = (await readdir(INVALID_PROVIDERS_DIR)).sort()
  t.same(fixtures, Object.keys(EXPECTED).sort(), 'each fixture has its expected messages')
  for (const name of fixtures) t.same(await problemsOf(name), EXPECTED[name], name)
})

t.test('the valid fixtures and every bundled provider load', async (t) => {
  for (const dir of [VALID_PROVIDERS_DIR, BUNDLED_DIR]) {
    const loaded = await loadProviders(dir)
    t.ok(loaded.ok, `${dir}: ${loaded.ok ? 'ok' : loaded.problems.map(formatProblem).join('\n')}`)
  }
})

t.test('defaults make a short file complete', async (t) => {
  const loaded = await loadProviders(VALID_PROVIDERS_DIR)
  if (!loaded.ok) throw new Error('valid fixtures must load')
  t.same(loaded.catalog.providers.get('minimal'), {
    id: 'minimal',
    name: 'Minimal Mail',
    domains: ['minimal.test'],
    incoming: [{ type: 'imap', host: 'mail.minimal.test', port: 993, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' }],
    outgoing: [{ type: 'smtp', host: 'mail.minimal.test', port: 465, security: 'tls', auth: ['password-cleartext'], username: '%EMAILADDRESS%' }],
    documentation: [],
  })
  const example = loaded.catalog.providers.get('example.com')
  t.same(example?.domains, ['example.com', 'example.net', 'xn--bcher-kva.example', '*.example.org'], 'domains lower-cased, trailing dot dropped, IDN to A-labels')
  t.same(example?.incoming.map((s) => s.port), [993, 143, 1995], 'ports default from protocol and security')
  t.same(example?.outgoing.map((s) => s.port), [465, 587, 25])
})

t.test('cross-file problems name both files; nothing is loaded when any file is broken', async (t) => {
  const server = 'incoming: [{ type: imap, host: imap.example.com }]\noutgoing: [{ host: smtp.example.com }]\n'
  const loaded = buildCatalog([
    { file: 'a.yaml', text: `name: A\ndomains: [shared.test, a.test]\n${server}` },
    { file: 'b.yaml', text: `id: a\nname: B\ndomains:\n  - b.test\n  - shared.test\n  - b.test\n${server}` },
    { file: 'c.yaml', text: `name: C\ndomains: [c.test]\n${server}` },
  ])
  t.notOk(loaded.ok)
  if (loaded.ok) return
  t.same(loaded.problems.map(formatProblem), [
    'b.yaml:1:5 id: id "a" is already used by a.yaml',
    'b.yaml:5:5 domains.1: "shared.test" is already claimed by a.yaml',
    'b.yaml:6:5 domains.2: "b.test" is listed twice',
  ])
  const mx = buildCatalog([
    { file: 'a.yaml', text: `name: A\ndomains: [a.test]\nmx: ["*.hosting.test"]\n${server}` },
    { file: 'b.yaml', text: `name: B\ndomains: [b.test]\nmx:\n  - mx.b.test\n  - "*.hosting.test"\n${server}` },
  ])
  t.same(mx.ok ? [] : mx.problems.map(formatProblem), ['b.yaml:5:5 mx.1: "*.hosting.test" is already claimed by a.yaml'], 'an mx entry belongs to one provider')
})

t.test('files on disk are read again to place a clash, and one gone meanwhile is placed at its start', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'clash-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const server = 'incoming: [{ type: imap, host: imap.example.com }]\noutgoing: [{ host: smtp.example.com }]\n'
  await writeFile(join(dir, 'a.yaml'), `name: A\ndomains: [shared.test]\n${server}`)
  await writeFile(join(dir, 'b.yaml'), `name: B\n\ndomains:\n  - b.test\n  - shared.test\n${server}`)
  const checks = checkProviderFiles([join(dir, 'a.yaml'), join(dir, 'b.yaml')])
  t.same(checks.parsed.map((file) => Object.keys(file)), [['file', 'provider'], ['file', 'provider']], 'no text is kept')
  const placed = combineFileChecks([checks])
  t.same(placed.ok ? [] : placed.problems.map(formatProblem), [`${join(dir, 'b.yaml')}:5:5 domains.1: "shared.test" is already claimed by ${join(dir, 'a.yaml')}`])
  await rm(join(dir, 'b.yaml'))
  const gone = combineFileChecks([checks])
  t.same(gone.ok ? [] : gone.problems.map(formatProblem), [`${join(dir, 'b.yaml')}:1:1 domains.1: "shared.test" is already claimed by ${join(dir, 'a.yaml')}`])
})

t.test('directory problems', async (t) => {
  const missing = await loadProviders('/nonexistent/providers')
  t.same(missing.ok ? [] : missing.problems.map(formatProblem), ['/nonexistent/providers:1:1 cannot read providers: directory does not exist'])
  const empty = await mkdtemp(join(tmpdir(), 'providers-'))
  t.teardown(() => rm(empty, { recursive: true }))
  await writeFile(join(empty, 'README.md'), '# not a provider')
  const none = await loadProviders(empty)
  t.same(none.ok ? [] : none.problems.map(formatProblem), [`${empty}:1:1 no provider files (*.yaml) found`], 'non-YAML files are ignored')
})

t.test('anchors, directives, duplicate and merge keys: YAML 1.2 as the yaml package reads it', async (t) => {
  const base = 'domains: [example.com]\nincoming: [{ type: imap, host: imap.example.com }]\noutgoing: [{ host: smtp.example.com }]\n'
  const cases: Array<[string, string, boolean]> = [
    ['anchors and aliases', `name: &n Example\nshortName: *n\n${base}`, true],
    ['a YAML 1.1 directive', `%YAML 1.1\n---\nname: Example\n${base}`, true],
    ['a duplicate key', `name: A\nname: B\n${base}`, false],
    ['a merge key', `x: &x { name: Example }\n<<: *x\n${base}`, false],
  ]
  for (const [what, text, valid] of cases) {
    t.equal(parseProviderFile('p.yaml', text).ok, valid, `${what}: ${valid ? 'valid' : 'refused'}`)
  }
  const laughs = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nname: X\n${base}`
  const started = performance.now()
  const bomb = parseProviderFile('bomb.yaml', laughs)
  t.notOk(bomb.ok, 'alias expansion is bounded')
  t.match(bomb.ok ? [] : bomb.problems, [{ file: 'bomb.yaml', line: 1, col: 1, message: /^YAML: Excessive alias count/ }])
  t.ok(performance.now() - started < 1000, 'and refused quickly')
  // YAML 1.2 core scalars: a date-like string stays a string, `yes` is not a boolean, 0x3E1 is an integer.
  const scalars = `name: "2001-12-14"
shortName: yes
${base.replace('imap.example.com }', 'imap.example.com, port: 0x3E1 }')}`
  const read = parseProviderFile('s.yaml', scalars)
  t.equal(read.ok ? read.value.provider.name : undefined, '2001-12-14')
  t.equal(read.ok ? read.value.provider.incoming[0]?.port : undefined, 993)
  t.equal(read.ok ? read.value.provider.shortName : undefined, 'yes')
})

t.test('a copied file clashes in every domain: each reported at its line, the file parsed once (not once per clash)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'copied-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const domains = Array.from({ length: 2000 }, (_, i) => `  - d${i}.example.com`).join('\n')
  const text = `name: Big\ndomains:\n${domains}\nincoming:\n  - type: imap\n    host: imap.example.com\noutgoing:\n  - host: smtp.example.com\n`
  await writeFile(join(dir, 'big.yaml'), text)
  await writeFile(join(dir, 'big-copy.yaml'), text)
  const started = performance.now()
  const loaded = await loadProviders(dir)
  const elapsedMs = performance.now() - started
  const problems = loaded.ok ? [] : loaded.problems.map(formatProblem)
  t.equal(problems.length, 2000)
  t.equal(problems[0], `${join(dir, 'big.yaml')}:3:5 domains.0: "d0.example.com" is already claimed by ${join(dir, 'big-copy.yaml')}`)
  t.equal(problems[1999], `${join(dir, 'big.yaml')}:2002:5 domains.1999: "d1999.example.com" is already claimed by ${join(dir, 'big-copy.yaml')}`)
  // Parsing the file anew for each clash took 44 s here; once, a third of a second.
  t.ok(elapsedMs < 10_000, `${Math.round(elapsedMs)} ms`)
})
