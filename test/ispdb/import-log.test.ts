import t from 'tap'
import { CommentTrail, formatNote, ImportLog, quote, resembles } from '../../src/ispdb/import-log.ts'

t.test('notes print as file:line: kind: message and sort by line', async (t) => {
  const log = new ImportLog()
  log.dropped(9, 'b')
  log.fixed(3, 'a')
  t.equal(log.failed, false)
  log.error(1, 'c')
  t.equal(log.failed, true)
  t.same(log.sorted().map((note) => formatNote('x.xml', note)), ['x.xml:1: error: c', 'x.xml:3: fixed: a', 'x.xml:9: dropped: b'])
})

t.test('misspelt element names are recognised; unrelated names are not', async (t) => {
  const known = ['displayName', 'displayShortName', 'hostname', 'port', 'username']
  t.equal(resembles('displayNameShort', known), 'displayShortName', 'words in another order')
  t.equal(resembles('DisplayName', known), 'displayName', 'another case')
  t.equal(resembles('hostnmae', known), 'hostname', 'two letters swapped')
  t.equal(resembles('usrname', known), 'username', 'a letter missing')
  t.equal(resembles('prot', known), undefined, 'short names are too easily confused to guess')
  t.equal(resembles('restriction', known), undefined)
})

t.test('quote keeps notes on one short line', async (t) => {
  t.equal(quote('  a\n  b  '), '"a b"')
  t.equal(quote('x'.repeat(80)), JSON.stringify(`${'x'.repeat(57)}...`))
})

t.test('a comment trail adopts a nested scope under a prefix', async (t) => {
  const inner = new CommentTrail()
  inner.add(['port'], 'before', ['p'])
  const outer = new CommentTrail()
  outer.adopt(inner, ['incoming', 1])
  t.same(outer.placed, [{ path: ['incoming', 1, 'port'], where: 'before', text: 'p' }])
})
