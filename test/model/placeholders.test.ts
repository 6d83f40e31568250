import t from 'tap'
import { parseEmailAddress } from '../../src/model/email-address.ts'
import { fillPlaceholders, fillUrlPlaceholders } from '../../src/model/placeholders.ts'

const alice = parseEmailAddress('alice@Example.COM')!
const odd = parseEmailAddress('a/b?c#d%e+f@example.com')!

t.test('fillPlaceholders fills the three address placeholders and nothing else', async (t) => {
  const cases: Array<[string, string]> = [
    ['%EMAILADDRESS%', 'alice@example.com'],
    ['%EMAILLOCALPART%', 'alice'],
    ['mail.%EMAILDOMAIN%', 'mail.example.com'],
    ['%EMAILLOCALPART%+%EMAILLOCALPART%@%EMAILDOMAIN%', 'alice+alice@example.com'],
    ['fixed-login', 'fixed-login'],
    ['%REALNAME%', '%REALNAME%'],
    ['100%', '100%'],
  ]
  for (const [template, expected] of cases) t.equal(fillPlaceholders(template, alice), expected, template)
  t.equal(fillPlaceholders('%EMAILLOCALPART%.%EMAILDOMAIN%', odd), 'a/b?c#d%e+f.example.com')
  const sly = parseEmailAddress('%EMAILDOMAIN%$&@example.com')!
  t.equal(fillPlaceholders('%EMAILADDRESS%', sly), '%EMAILDOMAIN%$&@example.com', 'a value is inserted as it is, never filled again')
})

t.test('URL templates percent-encode values but keep @', async (t) => {
  t.equal(fillUrlPlaceholders('https://dav.example/principals/%EMAILADDRESS%/', alice), 'https://dav.example/principals/alice@example.com/')
  t.equal(fillUrlPlaceholders('https://dav.example/principals/%EMAILADDRESS%/', odd), 'https://dav.example/principals/a%2Fb%3Fc%23d%25e%2Bf@example.com/',
    '/ ? # % + in a local part stay inside the path segment')
  t.equal(fillUrlPlaceholders('https://dav.example/caldav/', odd), 'https://dav.example/caldav/', 'no placeholder, no change')
  t.equal(new URL(fillUrlPlaceholders('https://dav.example/p/%EMAILLOCALPART%/x', odd)).pathname, '/p/a%2Fb%3Fc%23d%25e%2Bf/x')
})
