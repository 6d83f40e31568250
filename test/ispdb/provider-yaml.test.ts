import t from 'tap'
import { parse } from 'yaml'
import { commentText, providerYaml } from '../../src/ispdb/provider-yaml.ts'

t.test('XML comments become YAML comment lines: edges trimmed, indentation kept relative', async (t) => {
  t.equal(commentText(' MX, for Google Apps '), ' MX, for Google Apps')
  t.equal(commentText('\n        Kundenservice: +49\n          Presse: +49\n      '), ' Kundenservice: +49\n   Presse: +49')
  t.equal(commentText('   '), '')
})

t.test('comments go before list items and keys, after collections, or to the document', async (t) => {
  const yaml = providerYaml({
    name: 'X',
    domains: ['a.example', 'b.example'],
    incoming: [{ type: 'imap', host: 'imap.a.example', auth: ['oauth2', 'password-cleartext'] }],
  }, {
    header: ['Header', '  indented'],
    comments: [
      { path: ['domains', 1], where: 'before', text: ' before b ' },
      { path: ['incoming', 0, 'host'], where: 'before', text: 'before host' },
      { path: ['incoming', 0], where: 'after', text: 'end of server' },
      { path: ['incoming', 0, 'pop3'], where: 'before', text: 'value not written' },
      { path: [], where: 'after', text: 'end' },
    ],
  })
  t.equal(yaml, [
    '# Header',
    '#   indented',
    '',
    'name: X',
    'domains:',
    '  - a.example',
    '  # before b',
    '  - b.example',
    'incoming:',
    '  - type: imap',
    '    # before host',
    '    host: imap.a.example',
    '    auth: [oauth2, password-cleartext]',
    '    # end of server',
    '    # value not written',
    '',
    '# end',
    '',
  ].join('\n'))
  t.same(parse(yaml).incoming[0].auth, ['oauth2', 'password-cleartext'])
})
