import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { holdTickObjectShape } from '../src/tick-object-shape.ts'

const MODULE = fileURLToPath(new URL('../src/tick-object-shape.ts', import.meta.url))

t.test('holds a real tick object, the same one on every call', async (t) => {
  const held = holdTickObjectShape()
  if (held === undefined) throw new Error('no tick object caught')
  const symbols = Object.getOwnPropertySymbols(held).map((symbol) => symbol.description)
  t.same(symbols, ['async_id_symbol', 'trigger_async_id_symbol'], 'the keys nextTick gives its objects')
  t.type((held as { callback?: unknown }).callback, 'function')
  t.equal(holdTickObjectShape(), held)
})

/**
 * Runs nextTick through full collections that find no tick object queued, then prints V8's view of nextTick's
 * feedback (%DebugPrint, which Node's release builds print in full) and returns the states of its
 * DefineKeyedOwnPropertyInLiteral slots: one per key of the tick object literal.
 */
function literalSlotStates (hold: boolean): string[] {
  const script = `
    ${hold ? `(await import(${JSON.stringify(MODULE)})).holdTickObjectShape()` : ''}
    const burst = (n) => new Promise((resolve) => { let i = 0; const tick = () => { if (++i === n) resolve(); else process.nextTick(tick) }; process.nextTick(tick) })
    for (let round = 0; round < 3; round++) {
      await burst(1000)
      await new Promise((resolve) => setTimeout(resolve, 1))
      globalThis.gc()
    }
    await burst(1000);
    %DebugPrint(process.nextTick);
  `
  // The test runner loads its coverage hooks into every child process through NODE_OPTIONS; they use nextTick
  // themselves, and under them the held object did not keep the slots monomorphic: the child goes without them, as
  // a server process does. Its output goes to a file: V8 prints through C's stdio, and through a pipe from this
  // process part of it went missing (4 to 13 of some 13 kB arrived).
  const dir = mkdtempSync(join(tmpdir(), 'tick-object-shape-'))
  const file = join(dir, 'printed')
  const out = openSync(file, 'w')
  try {
    execFileSync('env', ['-u', 'NODE_OPTIONS', process.execPath, '--import', 'tsx', '--expose-gc', '--allow-natives-syntax', '--input-type=module', '-e', script], { stdio: ['ignore', out, 'inherit'] })
    return [...readFileSync(file, 'utf8').matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((match) => match[1]!)
  } finally {
    closeSync(out)
    rmSync(dir, { recursive: true, force: true })
  }
}

t.test('without a held tick object, collections turn nextTick\'s literal megamorphic (the reason for holding one)', async (t) => {
  const states = literalSlotStates(false)
  t.equal(states.length, 4, 'one slot per key of the tick object')
  t.ok(states.includes('MEGAMORPHIC'), `states: ${states.join(', ')}`)
})

t.test('with one held, every slot of the literal stays monomorphic through the same collections', async (t) => {
  t.same(literalSlotStates(true), ['MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC', 'MONOMORPHIC'])
})
