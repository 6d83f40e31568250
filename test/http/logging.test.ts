import { Writable } from 'node:stream'
import fc from 'fast-check'
import t from 'tap'
import { createLogger, lazyChildLoggerFactory, redactAddress } from '../../src/http/logging.ts'
import { buildApp } from '../../src/app.ts'
import { build, BUNDLED_DIR, lookupFor } from '../helper.ts'

/** A destination that keeps every line pino writes. */
function capture () {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter((l) => l !== ''))
      done()
    },
  })
  return { stream, lines, records: () => lines.map((l) => JSON.parse(l)) }
}

const SECRET = 'Basic YWxpY2VAZ21haWwuY29tOmh1bnRlcjI='
const COOKIE = 'session=s3cr3t-cookie-value'

t.test('redactAddress keeps the first letter and the domain', async (t) => {
  const cases: Array<[string, string]> = [
    ['alice@gmail.com', 'a***@gmail.com'],
    ['/mail/config-v1.1.xml?emailaddress=alice.smith%40example.co.uk', '/mail/config-v1.1.xml?emailaddress=a***%40example.co.uk'],
    ['from bob@mail.com and carol+tag@mail.com', 'from b***@mail.com and c***@mail.com'],
    ['no address here', 'no address here'],
    ['gmail.com', 'gmail.com'],
    // Issue 31: what the masker used to miss.
    ['/mail/config-v1.1.xml?emailaddress=someone@@gmail.com', '/mail/config-v1.1.xml?emailaddress=s***@@gmail.com'],
    ['/v1.1/someone@b%C3%BCcher.example', '/v1.1/s***@b%C3%BCcher.example'],
    ['?emailaddress=someone%2Btag%40gmail.com', '?emailaddress=s***%40gmail.com'],
    ['someone@localhost', 's***@localhost'],
  ]
  for (const [input, expected] of cases) t.equal(redactAddress(input), expected, input)
})

t.test('no local part survives redaction, whatever surrounds it (property, issue 31)', async (t) => {
  const localChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.+-_~!$*%'.split(''))
  const local = fc.array(localChar, { minLength: 4, maxLength: 20 }).map((chars) => `Q${chars.join('')}`)
  const domain = fc.oneof(fc.domain(), fc.constantFrom('localhost', 'b%C3%BCcher.example', '@gmail.com', ''))
  const at = fc.constantFrom('@', '%40')
  const around = fc.constantFrom('', '/v1.1/', '?emailaddress=', '/api/v1/domains/', '/autodiscover/autodiscover.json/v1.0/', 'user ', '"')
  fc.assert(fc.property(around, local, at, domain, (before, name, sign, host) => {
    // An encoded `+` or `@` inside the local part is part of it too.
    const encoded = name.replaceAll('+', '%2B')
    const out = redactAddress(`${before}${encoded}${sign}${host}`)
    return !out.includes(encoded.slice(1)) && !out.includes(name.slice(1))
  }), { numRuns: 2000 })
})

t.test('request logs: request id on every line, no address, no Authorization, no cookie', async (t) => {
  const out = capture()
  const app = await buildApp({ lookup: await lookupFor(BUNDLED_DIR), logger: { level: 'debug', destination: out.stream } })
  t.teardown(() => app.close())
  app.get('/test/log-everything', async (request) => {
    // A careless handler: every way an address or a credential could reach the log.
    request.log.info({ email: 'dave@gmail.com', headers: request.headers }, 'looked up erin@gmail.com')
    request.log.warn('asked for %s', 'frank@gmail.com')
    request.log.error(new Error('no provider for grace@gmail.com'))
    return 'ok'
  })
  await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=alice%40gmail.com', headers: { authorization: SECRET, cookie: COOKIE } })
  await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=bob@unknown.example', headers: { authorization: SECRET } })
  await app.inject({ method: 'GET', url: '/test/log-everything', headers: { authorization: SECRET, cookie: COOKIE, 'proxy-authorization': SECRET } })

  const all = out.lines.join('\n')
  t.ok(out.lines.length >= 8, `${out.lines.length} lines captured`)
  for (const leaked of ['alice', 'bob@', 'dave@', 'erin@', 'frank@', 'grace@', SECRET, 'YWxpY2', 's3cr3t']) {
    t.notOk(all.includes(leaked), `never logged: ${leaked}`)
  }
  t.match(all, /a\*\*\*%40gmail\.com/, 'the address appears redacted')
  t.match(all, /b\*\*\*@unknown\.example/)
  t.match(all, /looked up e\*\*\*@gmail\.com/)
  t.match(all, /asked for f\*\*\*@gmail\.com/)
  t.match(all, /no provider for g\*\*\*@gmail\.com/)
  t.match(all, /"authorization":"\[redacted\]"/, 'a logged header object is censored')

  const requestLines = out.records().filter((r) => r.req !== undefined || r.res !== undefined || /looked up|asked for|no provider/.test(r.msg ?? r.err?.message ?? ''))
  t.ok(requestLines.length >= 9)
  for (const record of requestLines) t.match(record.reqId, /^[0-9a-f]{12}-\d+$/, `reqId on: ${record.msg}`)
})

t.test('LOG_ADDRESSES=true logs full addresses, still never credentials', async (t) => {
  const out = capture()
  const app = await build(t, { logger: { level: 'info', destination: out.stream }, logAddresses: true })
  await app.inject({ method: 'GET', url: '/mail/config-v1.1.xml?emailaddress=alice@gmail.com', headers: { authorization: SECRET, cookie: COOKIE } })
  const all = out.lines.join('\n')
  t.match(all, /emailaddress=alice@gmail\.com/)
  t.notOk(all.includes(SECRET) || all.includes('s3cr3t'), 'no credentials')
})

t.test('pretty format writes readable lines through the same redaction', async (t) => {
  const out = capture()
  const log = createLogger({ format: 'pretty', destination: out.stream })
  log.info({ headers: { authorization: SECRET } }, 'hello heidi@gmail.com')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const all = out.lines.join('\n')
  t.match(all, /INFO.*hello h\*\*\*@gmail\.com/)
  t.notOk(all.includes(SECRET))
  t.throws(() => JSON.parse(out.lines[0]!), 'not JSON')
})

t.test('request loggers are made on the first line written, and bind the request id', async (t) => {
  const out = capture()
  const logger = createLogger({ level: 'warn', destination: out.stream })
  let children = 0
  const child = logger.child
  logger.child = function (this: typeof logger, bindings, options) {
    if (this === logger) children++
    return child.call(this, bindings, options)
  } as typeof logger.child
  const lazy = lazyChildLoggerFactory(logger, { reqId: 'r-1' }, {}) as typeof logger
  lazy.info('below the threshold')
  lazy.debug({ any: 'thing' }, 'below the threshold')
  t.equal(children, 0, 'nothing written, no child made')
  t.equal(lazy.level, 'warn', 'the level is the parent\'s')
  t.equal(lazy.isLevelEnabled('info'), false)
  lazy.warn('first line from bob@gmail.com')
  lazy.error({ code: 7 }, 'second line')
  t.equal(children, 1, 'one child, made once')
  const nested = lazy.child({ part: 'x' })
  nested.error('nested')
  t.same(lazy.bindings(), { reqId: 'r-1' })
  const records = out.records()
  t.equal(records.length, 3)
  t.match(records[0], { reqId: 'r-1', level: 40, msg: 'first line from b***@gmail.com' })
  t.match(records[1], { reqId: 'r-1', level: 50, code: 7, msg: 'second line' })
  t.match(records[2], { reqId: 'r-1', part: 'x', msg: 'nested' })

  const withLevel = lazyChildLoggerFactory(logger, { reqId: 'r-2' }, { level: 'debug' }) as typeof logger
  t.equal(children, 2, 'a route with its own level gets a real child at once')
  t.equal(withLevel.level, 'debug')
})

t.test('an app without a logger serves requests with Fastify\'s own silent logger', async (t) => {
  const app = await build(t, { logger: false })
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
})
