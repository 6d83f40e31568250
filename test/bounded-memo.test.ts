import t from 'tap'
import { BoundedMemo } from '../src/bounded-memo.ts'

t.test('computes each input once while it is remembered, undefined answers included', async (t) => {
  const computed: string[] = []
  const memo = new BoundedMemo(3, (input: string) => {
    computed.push(input)
    return input === 'bad' ? undefined : input.toUpperCase()
  })
  t.equal(memo.get('a'), 'A')
  t.equal(memo.get('a'), 'A')
  t.equal(memo.get('bad'), undefined)
  t.equal(memo.get('bad'), undefined)
  t.same(computed, ['a', 'bad'])
  t.equal(memo.size, 2)
})

t.test('never holds more than its capacity: when full it starts afresh', async (t) => {
  const computed: string[] = []
  const memo = new BoundedMemo(3, (input: string) => {
    computed.push(input)
    return input.length
  })
  for (const input of ['a', 'bb', 'ccc']) memo.get(input)
  t.equal(memo.size, 3)
  t.equal(memo.get('dddd'), 4)
  t.equal(memo.size, 1, 'cleared, then the new input')
  t.equal(memo.get('a'), 1)
  t.same(computed, ['a', 'bb', 'ccc', 'dddd', 'a'], 'forgotten inputs are computed again')
  for (let i = 0; i < 1000; i++) memo.get(`x${i}`)
  t.ok(memo.size <= 3)
})

t.test('keeps only the answers `remember` accepts; the others are computed each time', async (t) => {
  const computed: string[] = []
  const memo = new BoundedMemo(3, (input: string) => {
    computed.push(input)
    return input.startsWith('later') ? undefined : input.length
  }, (answer) => answer !== undefined)
  t.equal(memo.get('later.test'), undefined)
  t.equal(memo.get('later.test'), undefined)
  t.equal(memo.get('ab'), 2)
  t.equal(memo.get('ab'), 2)
  t.same(computed, ['later.test', 'later.test', 'ab'])
  t.equal(memo.size, 1, 'the provisional answer takes no place')
})

t.test('refuses a capacity below one', async (t) => {
  for (const capacity of [0, -1, Number.NaN]) t.throws(() => new BoundedMemo(capacity, (input) => input), RangeError)
})
