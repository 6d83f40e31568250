import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { Catalog } from '../../../src/catalog/catalog.ts'
import { Readiness } from '../../../src/http/plugins/readiness.ts'
import { FIXTURES_DIR } from '../../helper.ts'
import { hostileAddress, hostileBody, HOSTILE_FRAGMENTS } from '../hostile/support.ts'
import { appPair, comparable, listen, listenWithFastPath, type AppPair, type Ask } from './support.ts'

const PATH = '/autodiscover/autodiscover.xml'
const REQUESTS_DIR = `${FIXTURES_DIR}/requests`

function outlookRequest (address: string, schema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>${address}</EMailAddress>
    <AcceptableResponseSchema>${schema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>
`
}

function post (body: string | Buffer, headers: Record<string, string> = {}, path = PATH): Ask {
  return { path, method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8', host: 'autodiscover.example.net', ...headers } }
}

/**
 * An Error document's time and id differ between any two answers (render/autodiscover-error.ts), and with the id's
 * digits its length: the length is checked against the body instead.
 */
function sameButErrorStamp (answer: ReturnType<typeof comparable>): ReturnType<typeof comparable> {
  const stamp = / Time="[^"]*" Id="\d+"/
  if (!stamp.test(answer.body)) return answer
  const { 'content-length': length, ...headers } = answer.headers
  const lengthRight = length === String(Buffer.byteLength(answer.body, 'latin1'))
  return { ...answer, headers: { ...headers, lengthRight }, body: answer.body.replace(stamp, ' Time="…" Id="…"') }
}

/** Asks both apps; asserts the same answer (Error stamps aside) and which path answered; returns the fast one's. */
async function assertSameAnswer (t: Test, pair: AppPair, request: Ask, fastPathAnswers: boolean): Promise<ReturnType<typeof comparable>> {
  const fast = comparable(await pair.fast.ask(request))
  const slow = comparable(await pair.slow.ask(request))
  t.same(sameButErrorStamp(fast), sameButErrorStamp(slow), `same answer: ${JSON.stringify(request).slice(0, 300)}`)
  t.same(pair.takeSeenByFastify(), fastPathAnswers ? [] : [request.path], fastPathAnswers ? 'answered by the fast path' : 'answered by Fastify')
  return fast
}

t.test('Outlook\'s POSTs are answered by the fast path, exactly as the route answers them', async (t) => {
  const pair = await appPair(t)
  const settings = await assertSameAnswer(t, pair, post(outlookRequest('alice@gmail.com')), true)
  t.equal(settings.status, 200)
  t.equal(settings.headers['cache-control'], 'no-store')
  t.equal(settings.headers['content-type'], 'application/xml; charset=utf-8')
  t.equal(settings.headers['x-content-type-options'], 'nosniff')
  t.match(settings.body, /<Server>imap\.gmail\.com<\/Server>/)
  t.match(settings.body, /<LoginName>alice@gmail\.com<\/LoginName>/)

  const asked: Ask[] = [
    post(outlookRequest('Bob.Smith@GoogleMail.com')),
    post(outlookRequest('alice@gmail.com', 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006')),
    post(outlookRequest('alice@gmail.com'), {}, '/Autodiscover/Autodiscover.xml'),
    post(outlookRequest('alice@gmail.com'), { 'content-type': 'application/json' }),
    post(outlookRequest('alice@gmail.com'), { 'content-type': 'text/xml; charset="' }),
    post(outlookRequest('alice@gmail.com'), { 'x-request-id': 'outlook-1' }),
    post(outlookRequest('a&amp;b@gmail.com')),
    post(outlookRequest('alice@web.de')),
  ]
  for (const request of asked) t.equal((await assertSameAnswer(t, pair, request, true)).status, 200)
})

t.test('after a reload the fast path answers POSTs from the new catalog, a domain it asked before included', async (t) => {
  const { app, ask, seenByFastify } = await listenWithFastPath(t)
  const request = post(outlookRequest('alice@gmail.com'))
  const before = (await ask(request)).body.toString()
  t.match(before, /<Server>imap\.gmail\.com<\/Server>/)
  t.match(before, /<LoginName>alice@gmail\.com<\/LoginName>/)
  const gmail = app.providers.catalog.providers.get('gmail')!
  const incoming = gmail.incoming.map((server) => ({ ...server, host: server.host.replace('gmail.com', 'gmail.example') }))
  app.providers.replace(new Catalog([{ ...gmail, incoming }]))
  const after = await ask(request)
  t.equal(after.status, 200)
  t.match(after.body.toString(), /<Server>imap\.gmail\.example<\/Server>/, 'the new catalog\'s document')
  t.notMatch(after.body.toString(), /imap\.gmail\.com/)
  t.match((await ask(post(outlookRequest('bob@gmail.com')))).body.toString(), /<LoginName>bob@gmail\.com<\/LoginName>/, 'filled for each address')
  app.providers.replace(new Catalog([]))
  const gone = await ask(request)
  t.equal(gone.status, 404, 'a domain the new catalog does not serve: 404')
  t.match(gone.body.toString(), /<ErrorCode>500<\/ErrorCode>/)
  t.same(seenByFastify, [], 'every answer from the fast path')
})

t.test('errors too: an unknown domain, a malformed request, a schema not served, hostile XML', async (t) => {
  const pair = await appPair(t)
  const unknown = await assertSameAnswer(t, pair, post(outlookRequest('alice@unknown.example')), true)
  t.equal(unknown.status, 404)
  t.match(unknown.body, /<ErrorCode>500<\/ErrorCode>/)
  t.match(unknown.body, /<DebugData>UNKNOWN_DOMAIN<\/DebugData>/)
  const malformed = await assertSameAnswer(t, pair, post('<Autodiscover><Request>'), true)
  t.equal(malformed.status, 200, 'Error 600 with a 200, as MS-OXDSCLI has it')
  t.match(malformed.body, /<ErrorCode>600<\/ErrorCode>/)
  const mobilesync = await assertSameAnswer(t, pair, post(outlookRequest('alice@gmail.com', 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006')), true)
  t.match(mobilesync.body, /<ErrorCode>601<\/ErrorCode>/)
  for (const file of readdirSync(REQUESTS_DIR).sort()) {
    const answer = await assertSameAnswer(t, pair, post(readFileSync(`${REQUESTS_DIR}/${file}`)), true)
    t.ok(answer.status < 500, `${file}: ${answer.status}`)
  }
  const invalidUtf8 = Buffer.concat([Buffer.from(outlookRequest('alice@gmail.com').slice(0, 120)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('</Autodiscover>')])
  await assertSameAnswer(t, pair, post(invalidUtf8), true)
})

t.test('a body split across packets is read whole, multi-byte characters included', async (t) => {
  const pair = await appPair(t)
  // The reference is the app without the fast path; the fast one gets the body in two writes 50 ms apart, split
  // inside the two bytes of "ü".
  const address = 'jürgen@gmail.com'
  const body = Buffer.from(outlookRequest(address))
  const split = body.indexOf(Buffer.from('ü')) + 1
  const reference = comparable(await pair.slow.ask(post(body)))
  const viaSocket = await new Promise<string>((resolve, reject) => {
    const socket = connect(pair.fast.port, '127.0.0.1', () => {
      socket.write(`POST ${PATH} HTTP/1.1\r\nHost: autodiscover.example.net\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`)
      socket.write(body.subarray(0, split))
      setTimeout(() => socket.end(body.subarray(split)), 50)
    })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.on('error', reject)
  })
  t.same(pair.takeSeenByFastify(), [], 'answered by the fast path')
  t.equal(viaSocket.slice(viaSocket.indexOf('\r\n\r\n') + 4), Buffer.from(reference.body, 'latin1').toString('utf8'), 'the same document')
  t.match(viaSocket, /<LoginName>jürgen@gmail\.com<\/LoginName>/)
})

t.test('bodies framed otherwise go to Fastify before anything is read', async (t) => {
  const pair = await appPair(t)
  const request = outlookRequest('alice@gmail.com')
  const tooLarge = await assertSameAnswer(t, pair, post(request + ' '.repeat(64 * 1024)), false)
  t.equal(tooLarge.status, 413)
  await assertSameAnswer(t, pair, post(request, { 'transfer-encoding': 'chunked' }), false)
  await assertSameAnswer(t, pair, post(''), false)
  await assertSameAnswer(t, pair, post(request, {}, `${PATH}?x=1`), false)
  await assertSameAnswer(t, pair, post(request, {}, '/AutoDiscover/AutoDiscover.xml'), false)
  await assertSameAnswer(t, pair, { path: PATH }, false)
})

t.test('hostile bodies get the same answer from both paths, and never a 5xx', async (t) => {
  const pair = await appPair(t, { rateLimit: false })
  const body = fc.oneof(
    hostileBody,
    hostileAddress.map((address) => outlookRequest(address)),
    fc.tuple(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.constantFrom('alice@gmail.com', 'x@unknown.example')).map(([fragment, address]) => outlookRequest(address + fragment)),
  ).filter((b) => Buffer.byteLength(b) > 0)
  let fastAnswers = 0
  await fc.assert(fc.asyncProperty(body, async (b) => {
    const request = post(b)
    const fast = comparable(await pair.fast.ask(request))
    const slow = comparable(await pair.slow.ask(request))
    if (pair.takeSeenByFastify().length === 0) fastAnswers++
    const [a, s] = [sameButErrorStamp(fast), sameButErrorStamp(slow)]
    if (JSON.stringify(a) !== JSON.stringify(s)) throw new Error(`answers differ for ${JSON.stringify(b).slice(0, 300)}\nfast: ${JSON.stringify(a).slice(0, 600)}\nslow: ${JSON.stringify(s).slice(0, 600)}`)
    if (fast.status >= 500) throw new Error(`5xx for ${JSON.stringify(b).slice(0, 300)}`)
  }), { numRuns: 1000 })
  t.equal(fastAnswers, 1000, 'every one answered by the fast path')
})

t.test('the fast path counts POSTs against the autodiscover routes\' own limit', async (t) => {
  // max 10: the autodiscover routes allow a fifth of it, 2, counted apart from the rest.
  const app = await listen(t, { rateLimit: { max: 10, timeWindowMs: 60_000 } })
  const request = post(outlookRequest('alice@gmail.com'))
  t.equal((await app.ask(request)).status, 200)
  t.equal((await app.ask(request)).status, 200)
  const limited = await app.ask(request)
  t.equal(limited.status, 429, 'the third autodiscover request of the window')
  t.match(limited.body.toString(), /<DebugData>RATE_LIMITED<\/DebugData>/)
  t.equal((await app.ask({ path: '/mail/config-v1.1.xml?emailaddress=alice%40gmail.com' })).status, 200, 'the shared count is untouched')
})

t.test('fast-path POSTs are counted in the metrics as the route\'s answers are', async (t) => {
  const pair = await appPair(t)
  const requests = [post(outlookRequest('alice@gmail.com')), post(outlookRequest('alice@gmail.com')), post('junk'), post(outlookRequest('x@unknown.example'))]
  for (const request of requests) await assertSameAnswer(t, pair, request, true)
  const countsOf = async (app: typeof pair.fast) => (await app.ask({ path: '/metrics' })).body.toString().split('\n').filter((line) => line.startsWith('mail_autoconfig_requests_total{kind="autodiscover"'))
  const fast = await countsOf(pair.fast)
  t.same(fast, await countsOf(pair.slow))
  t.same(fast.filter((line) => !line.endsWith(' 0')), [
    'mail_autoconfig_requests_total{kind="autodiscover",outcome="served"} 2',
    'mail_autoconfig_requests_total{kind="autodiscover",outcome="not_found"} 1',
    'mail_autoconfig_requests_total{kind="autodiscover",outcome="bad_request"} 1',
  ])
})

t.test('at debug the fast path writes the same lines per POST as Fastify, the error answer\'s included', async (t) => {
  const comparableLines = (lines: string[]) => lines.filter((line) => line.includes('"reqId"')).map((line) => {
    const { time: _time, pid: _pid, hostname: _hostname, responseTime, autodiscoverErrorId, ...rest } = JSON.parse(line)
    return { ...rest, responseTime: typeof responseTime, autodiscoverErrorId: typeof autodiscoverErrorId }
  })
  for (const body of [outlookRequest('alice@gmail.com'), '<Autodiscover>']) {
    const logs = { fast: [] as string[], slow: [] as string[] }
    const fast = await listen(t, { logger: { level: 'debug', destination: { write: (line: string) => { logs.fast.push(line) } } } })
    const slow = await listen(t, { fastPath: false, logger: { level: 'debug', destination: { write: (line: string) => { logs.slow.push(line) } } } })
    const request = post(body, { 'x-request-id': 'id-1' })
    t.equal((await fast.ask(request)).status, 200)
    t.equal((await slow.ask(request)).status, 200)
    await new Promise((resolve) => setImmediate(resolve))
    t.same(comparableLines(logs.fast), comparableLines(logs.slow), 'the same lines')
    t.ok(comparableLines(logs.fast).length >= 2, 'incoming and completed, at least')
    t.ok(logs.fast.every((line) => !line.includes('alice')), 'no address in the log')
  }
})

t.test('while loading, Fastify answers the POST', async (t) => {
  const readiness = new Readiness('loading')
  let seen = 0
  const app = await listen(t, { readiness }, (a) => a.addHook('onRequest', (_req, _reply, done) => { seen++; done() }))
  const loading = await app.ask(post(outlookRequest('alice@gmail.com')))
  t.equal(loading.status, 503, 'loading: Fastify holds the request (the fast path never answers 503)')
  t.equal(loading.headers['retry-after'], '2')
  readiness.markReady()
  t.equal((await app.ask(post(outlookRequest('alice@gmail.com')))).status, 200)
  t.equal(seen, 0, 'ready: the fast path answered')
})
