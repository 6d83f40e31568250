/**
 * Hostile input against the Apple profile routes: arbitrary addresses under both parameter names, query strings,
 * Host headers and paths. Invariants are in support.ts; a profile that is answered must also hold the address
 * asked about exactly, as text.
 */
import fc from 'fast-check'
import { parse, type PlistValue } from 'plist'
import t from 'tap'
import { parseEmailAddress } from '../../../src/model/email-address.ts'
import { MOBILECONFIG_PATHS } from '../../../src/http/paths.ts'
import { xmlText } from '../../../src/render/xml.ts'
import { build } from '../../helper.ts'
import { assertSafeAnswer, hostileAddress, hostileHost, hostileQuery, injectable, RUNS, safeEncode } from './support.ts'

type Dict = Record<string, PlistValue>

const profilePath = fc.tuple(fc.constantFrom(...MOBILECONFIG_PATHS), fc.constantFrom('', '/'), fc.boolean())
  .map(([path, tail, upper]) => (upper ? path.toUpperCase() : path) + tail)

t.test('profiles: arbitrary addresses, query strings, Host headers and paths', async (t) => {
  const app = await build(t, { rateLimit: false })
  const statuses = new Set<number>()
  await fc.assert(fc.asyncProperty(
    profilePath, fc.constantFrom('emailaddress', 'email'), fc.option(fc.oneof(hostileAddress, fc.constantFrom('alice&\'x@gmail.com', 'jürgen+%@web.de', '😀@gmail.com', 'a/b@x.example.org'))),
    fc.boolean(), hostileQuery, fc.option(hostileHost), fc.constantFrom('GET', 'HEAD'),
    async (path, name, address, encode, query, host, method) => {
      const params = [address === null ? '' : `${name}=${encode ? safeEncode(address) : address}`, query].filter((p) => p !== '').join('&')
      const request = { method, url: injectable(path, params), headers: host === null ? {} : { host } }
      const res = await app.inject(request)
      statuses.add(res.statusCode)
      assertSafeAnswer(res, request)
      if (res.statusCode !== 200 || method === 'HEAD') return
      const profile = parse(res.body) as Dict
      const mail = (profile.PayloadContent as Dict[])[0]!
      const given = new URL(request.url, 'http://localhost').searchParams
      const asked = parseEmailAddress([given.get('emailaddress'), given.get('email')].find((v) => v !== null && v.trim() !== '') ?? '')
      if (asked === undefined || mail.EmailAddress !== xmlText(asked.address)) {
        throw new Error(`the profile is not for the address asked about: ${JSON.stringify(request)} → ${String(mail.EmailAddress)}`)
      }
    },
  ), { numRuns: RUNS })
  // The generators reach every kind of answer, so the invariants were checked on each.
  t.same([...statuses].sort(), [200, 400, 404])
})
