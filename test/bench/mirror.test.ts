import t from 'tap'
import { meanBytes } from '../../bench/mirror.ts'

t.test('the bare body is the mean size of the real answers, to the byte', async (t) => {
  t.equal(meanBytes([3181, 2121, 3181]), 2828, 'the bundled set\'s three answers: 8483 / 3 = 2827.67')
  t.equal(meanBytes([1481, 1517]), 1499)
  t.equal(meanBytes([205]), 205)
  t.equal(meanBytes([1, 2]), 2, 'halves round up')
  t.throws(() => meanBytes([]), RangeError)
})
