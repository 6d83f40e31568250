import t from 'tap'
import { FileShares } from '../../src/catalog/file-shares.ts'

const files = Array.from({ length: 7 }, (_, i) => `p${i}.yaml`)

t.test('shares are handed out in listing order, each once, the last one short', async (t) => {
  const shares = new FileShares(files, 3)
  t.equal(shares.count, 3)
  t.same([shares.claim(), shares.claim(), shares.claim()], [
    { index: 0, files: ['p0.yaml', 'p1.yaml', 'p2.yaml'] },
    { index: 1, files: ['p3.yaml', 'p4.yaml', 'p5.yaml'] },
    { index: 2, files: ['p6.yaml'] },
  ])
  t.equal(shares.claim(), undefined)
  t.equal(shares.claim(), undefined, 'and stays so')
})

t.test('two views of one counter (as a worker gets it) never hand out a share twice', async (t) => {
  const here = new FileShares(files, 2)
  const there = FileShares.from(here.shared())
  const claimed = [here.claim(), there.claim(), here.claim(), there.claim(), here.claim()].map((share) => share?.index)
  t.same(claimed, [0, 1, 2, 3, undefined])
})

t.test('once exhausted, nothing more is handed out', async (t) => {
  const shares = new FileShares(files, 2)
  t.equal(shares.claim()?.index, 0)
  shares.exhaust()
  t.equal(shares.claim(), undefined)
  t.equal(FileShares.from(shares.shared()).claim(), undefined, 'to any thread')
})

t.test('a share size below one counts as one', async (t) => {
  t.equal(new FileShares(files, 0).count, 7)
})
