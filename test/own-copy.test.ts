import t from 'tap'
import { ownCopy } from '../src/own-copy.ts'

t.test('a copy holds the same text, whatever it was made of', async (t) => {
  const built = ['a', 'b', 'c'].reduce((text, piece) => text + piece.repeat(20), '')
  t.equal(ownCopy(built), built, 'a string built piece by piece')
  const parent = `head ${'x'.repeat(40)} \uE000 tail`
  t.equal(ownCopy(parent.slice(5, 45)), 'x'.repeat(40), 'a slice')
  for (const text of ['', 'caf\u00e9 \u00ff', 'j\u00f6rg \u2603 \u{1F600}', '\uE000\uE001', 'line\r\n']) t.equal(ownCopy(text), text, JSON.stringify(text))
})
