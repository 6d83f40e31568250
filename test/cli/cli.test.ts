import t from 'tap'
import { check } from '../../src/cli/cli.ts'
import { BUNDLED_DIR, INVALID_PROVIDERS_DIR, LINT_PROVIDERS_DIR } from '../helper.ts'
import { runCaptured, sink } from './support.ts'

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

t.test('command arguments: import needs one input; unknown options are usage errors; check takes --strict', async (t) => {
  t.match(await runCaptured(['import']), { code: 2, err: /^import takes one file or directory\nUsage:/ })
  t.match(await runCaptured(['import', 'a.xml', '--outt', 'x']), { code: 2, err: /Unknown option '--outt'/ })
  t.match(await runCaptured(['export', '--bogus']), { code: 2, err: /Unknown option '--bogus'/ })
  t.match(await runCaptured(['check', LINT_PROVIDERS_DIR, '--strict']), { code: 1, err: /\[plain-connection\]\n1 warning\(s\) in / })
  t.match(await runCaptured(['check', LINT_PROVIDERS_DIR]), { code: 0, out: /no problems\n$/ })
  const help = await runCaptured(['help'])
  t.equal(help.code, 0)
  for (const usage of ['check [dir] [--strict]', 'import <file-or-dir> [--out dir] [--force]', 'export [dir] [--out dir]']) t.match(help.out, `mail-autoconfig ${usage}`)
})

t.test('help lists every serve option with its variable', async (t) => {
  const { USAGE } = await import('../../src/cli/cli.ts')
  const { SETTING_NAMES, flagFor } = await import('../../src/config.ts')
  for (const name of SETTING_NAMES) t.match(USAGE, new RegExp(`^  ${flagFor(name)} +${name} +\\S`, 'm'), name)
})

t.test('serve reports bad options as configuration problems (exit 1), also without the word serve', async (t) => {
  const { run } = await import('../../src/cli/cli.ts')
  const stderr = process.stderr.write
  const written: string[] = []
  process.stderr.write = ((chunk: string) => { written.push(String(chunk)); return true }) as typeof process.stderr.write
  try {
    t.equal(await run(['--port', 'eighty']), 1)
    process.exitCode = undefined
    t.equal(await run(['serve', '--colour', 'blue']), 1)
    process.exitCode = undefined
  } finally {
    process.stderr.write = stderr
  }
  t.equal(written.join(''), [
    'PORT="eighty" (from --port) is not valid: must be an integer from 0 to 65535 (0 picks a free port)',
    '--colour is not an option (see mail-autoconfig help)',
    'unexpected argument "blue" (see mail-autoconfig help)',
    '',
  ].join('\n'))
})

t.test('check --strict adds the linter: warnings with codes, exit 1; accepted ones are counted', async (t) => {
  const out = sink()
  const err = sink()
  t.equal(await check(LINT_PROVIDERS_DIR, out.stream, err.stream, { strict: true }), 1)
  t.same(err.text().trim().split('\n'), [
    `${LINT_PROVIDERS_DIR}/campus.yaml:7:15 incoming.0.security: POP3 server pop.campus-hosting.example:110 has no TLS: the password and the mail cross the network readable; offer tls or starttls (ISPDB reviewers require one of them) [plain-connection]`,
    `1 warning(s) in ${LINT_PROVIDERS_DIR} (1 accepted in acceptedWarnings)`,
  ])
  t.equal(out.text(), '')

  const plain = sink()
  t.equal(await check(LINT_PROVIDERS_DIR, plain.stream, sink().stream), 0, 'without --strict the same files pass')
  t.match(plain.text(), /no problems\n$/)
})

t.test('the bundled providers pass check --strict', async (t) => {
  const out = sink()
  const err = sink()
  t.equal(await check(BUNDLED_DIR, out.stream, err.stream, { strict: true }), 0, err.text())
  t.match(out.text(), /no problems, no warnings/)
})
