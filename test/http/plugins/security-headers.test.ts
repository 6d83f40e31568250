import t from 'tap'
import { HTML_CSP, NON_HTML_CSP, PAGE_CSP, SECURITY_HEADERS, securityHeadersFor } from '../../../src/http/plugins/security-headers.ts'
import { build } from '../../helper.ts'

const EXPECTED = { ...SECURITY_HEADERS, 'content-security-policy': NON_HTML_CSP }

t.test('XML answers, problem documents, 304s and not-found answers all carry the security headers', async (t) => {
  const app = await build(t, { rateLimit: false })
  const ok = await app.inject({ url: '/mail/config-v1.1.xml?emailaddress=alice@gmail.com' })
  const cases = [
    ['200 XML', ok],
    ['304', await app.inject({ url: '/v1.1/gmail.com', headers: { 'if-none-match': String(ok.headers.etag) } })],
    ['HEAD', await app.inject({ method: 'HEAD', url: '/v1.1/gmail.com' })],
    ['400 problem', await app.inject({ url: '/mail/config-v1.1.xml?emailaddress=nope' })],
    ['404 route', await app.inject({ url: '/nothing/here' })],
    ['400 from the router', await app.inject({ url: '/v1.1/%ff' })],
    ['API JSON', await app.inject({ url: '/api/v1/lookup?email=alice@gmail.com' })],
    ['OpenAPI document', await app.inject({ url: '/openapi.json' })],
  ] as const
  for (const [name, res] of cases) t.match(res.headers, EXPECTED, name)
  t.equal(cases[1][1].statusCode, 304)
})

t.test('the policy forbids loading, running and framing anything', async (t) => {
  t.match(NON_HTML_CSP, /default-src 'none'/)
  t.match(NON_HTML_CSP, /frame-ancestors 'none'/)
  t.same(SECURITY_HEADERS, {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  })
})

t.test('the documentation page gets a same-origin policy, and loads only from its own origin', async (t) => {
  const app = await build(t, { rateLimit: false })
  const page = await app.inject({ url: '/docs' })
  t.equal(page.statusCode, 200)
  t.match(page.headers, { ...SECURITY_HEADERS, 'content-type': /^text\/html/, 'content-security-policy': HTML_CSP })
  // Everything the page refers to is a same-origin path, which script-src/style-src/img-src 'self' allow...
  const references = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
  t.ok(references.length >= 3, references.join(' '))
  for (const ref of references) {
    t.match(ref, /^\/(?!\/)/, `${ref} is a same-origin path`)
    // ...and each of them is served.
    t.equal((await app.inject({ url: ref })).statusCode, 200, `${ref} is served`)
  }
  t.notMatch(page.body, /<script>|<style>|\son[a-z]+=/, 'no inline script or style that the policy would block')
})

t.test('the settings page gets its own policy: nothing inline, its form submits only here; its assets get the strict one', async (t) => {
  t.equal(securityHeadersFor('/')['content-security-policy'], PAGE_CSP)
  t.equal(securityHeadersFor('/settings')['content-security-policy'], PAGE_CSP)
  t.equal(securityHeadersFor('/assets/*')['content-security-policy'], NON_HTML_CSP)
  t.equal(securityHeadersFor(undefined)['content-security-policy'], NON_HTML_CSP, 'no route: the strict policy')
  t.equal(securityHeadersFor('/docs')['content-security-policy'], HTML_CSP)
  t.notMatch(PAGE_CSP, /unsafe-inline|unsafe-eval/)
  t.match(PAGE_CSP, /default-src 'none'/)
  t.match(PAGE_CSP, /script-src 'self'/)
  t.match(PAGE_CSP, /style-src 'self'/)
  t.match(PAGE_CSP, /img-src 'self' data:/, 'the QR code is a data: image')
  t.match(PAGE_CSP, /form-action 'self'/)
  t.match(PAGE_CSP, /frame-ancestors 'none'/)
  const app = await build(t, { rateLimit: false })
  for (const url of ['/', '/settings?email=alice@gmail.com', '/settings?email=nope', '/settings?email=a@unknown.example']) {
    t.match((await app.inject({ url })).headers, { ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP }, url)
  }
  t.match((await app.inject({ url: '/assets/settings.css' })).headers, EXPECTED, 'a stylesheet is no page')
})
