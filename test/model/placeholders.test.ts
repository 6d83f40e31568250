import t from 'tap'
import { parseEmailAddress } from '../../src/model/email-address.ts'
import { compilePlaceholders, fillPlaceholders, fillUrlPlaceholders } from '../../src/model/placeholders.ts'

const alice = parseEmailAddress('alice@Example.COM')!
const odd = parseEmailAddress('a/b?c#d%e+f@example.com')!

t.test('compilePlaceholders fills like fillPlaceholders', async (t) => {
  const cases: Array<[string, string]> = [
    ['%EMAILADDRESS%', 'alice@example.com'],
    ['%EMAILLOCALPART%', 'alice'],
    ['mail.%EMAILDOMAIN%', 'mail.example.com'],
    ['%EMAILLOCALPART%+%EMAILLOCALPART%@%EMAILDOMAIN%', 'alice+alice@example.com'],
    ['fixed-login', 'fixed-login'],
    ['%REALNAME%', '%REALNAME%'],
    ['100%', '100%'],
  ]
  for (const [template, expected] of cases) {
    t.equal(compilePlaceholders(template)(alice), expected, template)
    t.equal(fillPlaceholders(template, alice), expected, `${template} (fillPlaceholders)`)
  }
  const compiled = compilePlaceholders('%EMAILLOCALPART%.%EMAILDOMAIN%')
  t.equal(compiled(odd), 'a/b?c#d%e+f.example.com', 'one compiled template serves many addresses')
  t.equal(compiled(alice), 'alice.example.com')
})

t.test('URL templates percent-encode values but keep @', async (t) => {
  t.equal(fillUrlPlaceholders('https://dav.example/principals/%EMAILADDRESS%/', alice), 'https://dav.example/principals/alice@example.com/')
  t.equal(fillUrlPlaceholders('https://dav.example/principals/%EMAILADDRESS%/', odd), 'https://dav.example/principals/a%2Fb%3Fc%23d%25e%2Bf@example.com/',
    '/ ? # % + in a local part stay inside the path segment')
  t.equal(fillUrlPlaceholders('https://dav.example/caldav/', odd), 'https://dav.example/caldav/', 'no placeholder, no change')
  t.equal(new URL(fillUrlPlaceholders('https://dav.example/p/%EMAILLOCALPART%/x', odd)).pathname, '/p/a%2Fb%3Fc%23d%25e%2Bf/x')
})
