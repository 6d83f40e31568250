import t from 'tap'
import { domainFromHost, normalizeDomain, parseEmailAddress } from '../../src/model/email-address.ts'

t.test('parseEmailAddress accepts real addresses and normalises the domain', async (t) => {
  t.same(parseEmailAddress('alice@gmail.com'), { address: 'alice@gmail.com', localPart: 'alice', domain: 'gmail.com' })
  t.same(parseEmailAddress('  Alice.B+tag@Example.COM. '), { address: 'Alice.B+tag@example.com', localPart: 'Alice.B+tag', domain: 'example.com' }, 'trim, lower-case domain, trailing dot')
  t.same(parseEmailAddress('jörg@bücher.de'), { address: 'jörg@xn--bcher-kva.de', localPart: 'jörg', domain: 'xn--bcher-kva.de' }, 'IDN to A-labels, UTF-8 local part kept')
  t.same(parseEmailAddress("o'brien@example.com")?.localPart, "o'brien", 'apostrophe is atext')
})

t.test('parseEmailAddress refuses what is not a mailbox address', async (t) => {
  const bad: Array<[string, string]> = [
    ['', 'empty'],
    ['alice', 'no @'],
    ['@example.com', 'no local part'],
    ['alice@', 'no domain'],
    ['alice@localhost', 'single-label domain'],
    ['al ice@example.com', 'space in local part'],
    ['alice@exa mple.com', 'space in domain'],
    ['<alice>@example.com', 'angle brackets'],
    ['"alice"@example.com', 'quoted local part'],
    ['alice\r\n@example.com', 'CR/LF'],
    ['.alice@example.com', 'leading dot'],
    ['al..ice@example.com', 'double dot'],
    ['alice@exa_mple.com', 'underscore in domain'],
    ['alice@-example.com', 'label starts with hyphen'],
    [`${'a'.repeat(65)}@example.com`, 'local part over 64'],
    [`a@${`${'b'.repeat(60)}.`.repeat(4)}${'c'.repeat(10)}.com`, 'over 254 characters (260)'],
    ['alice@[127.0.0.1]', 'address literal'],
    ['alice@bob@example.com', 'two @'],
    ['alice@example.com@', 'a second @ at the end'],
    ['@@example.com', 'only @s before the domain'],
  ]
  for (const [input, reason] of bad) t.equal(parseEmailAddress(input), undefined, reason)
})

t.test('normalizeDomain', async (t) => {
  t.equal(normalizeDomain('Example.COM.'), 'example.com')
  t.equal(normalizeDomain('ÉCOLE.fr'), 'xn--cole-9oa.fr')
  t.equal(normalizeDomain('xn--bcher-kva.de'), 'xn--bcher-kva.de')
  t.equal(normalizeDomain('../etc/passwd'), undefined)
  t.equal(normalizeDomain('com'), undefined, 'a bare TLD is no mail domain')
  t.equal(normalizeDomain(`${'a'.repeat(64)}.com`), undefined, 'label over 63')
})

t.test('normalizeDomain remembers answers without changing them, however many domains it is asked', async (t) => {
  const cases: Array<[string, string | undefined]> = [['Example.COM.', 'example.com'], ['ÉCOLE.fr', 'xn--cole-9oa.fr'], ['com', undefined], ['../x', undefined]]
  for (let pass = 0; pass < 3; pass++) {
    for (const [input, expected] of cases) t.equal(normalizeDomain(input), expected, `pass ${pass}: ${input}`)
    // More distinct domains than it remembers, in between.
    const wrong = Array.from({ length: 5000 }, (_, i) => i).filter((i) => normalizeDomain(`Host${i}.Example.`) !== `host${i}.example`)
    t.same(wrong, [], `pass ${pass}: 5,000 more domains`)
  }
})

t.test('domainFromHost strips the service label and the port', async (t) => {
  t.equal(domainFromHost('autoconfig.example.com'), 'example.com')
  t.equal(domainFromHost('AutoConfig.Example.com:8443'), 'example.com')
  t.equal(domainFromHost('autodiscover.example.com'), 'example.com')
  t.equal(domainFromHost('example.com'), 'example.com', 'the .well-known URL is asked on the domain itself')
  t.equal(domainFromHost('localhost:8080'), undefined)
  t.equal(domainFromHost('[::1]:8080'), undefined)
  t.equal(domainFromHost('127.0.0.1:8080'), undefined, 'an IPv4 literal is no domain')
  t.equal(domainFromHost('192.0.2.10'), undefined)
  t.equal(domainFromHost('autoconfig.10.0.0.1'), undefined, 'nor behind a service label')
  t.equal(domainFromHost('[2001:db8::1]'), undefined)
  t.equal(domainFromHost(undefined), undefined)
})
