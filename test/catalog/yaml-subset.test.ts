/**
 * The subset reader against js-yaml (what it stands in for, with the core schema): wherever the subset reader
 * answers, js-yaml must read the same text without error and to the same value. Every corpus file, every named
 * trap and thousands of generated and mutated documents are held to that.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { CORE_SCHEMA, load } from 'js-yaml'
import t from 'tap'
import { listProviderFiles } from '../../src/catalog/list.ts'
import { readYamlSubset } from '../../src/catalog/yaml-subset.ts'
import { importAutoconfigFiles } from '../../src/ispdb/import.ts'
import { BUNDLED_DIR, INVALID_PROVIDERS_DIR, ISPDB_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'
import { largeProviderYaml } from '../../bench/large-catalog.ts'

type JsYamlReading = { ok: true, value: unknown } | { ok: false }

function readWithJsYaml (text: string): JsYamlReading {
  try {
    return { ok: true, value: load(text, { schema: CORE_SCHEMA }) }
  } catch {
    return { ok: false }
  }
}

/** The property: the subset reader gives up, or reads exactly what js-yaml reads. */
function agreesWithJsYaml (text: string): boolean {
  const subset = readYamlSubset(text)
  if (subset === undefined) return true
  const reference = readWithJsYaml(text)
  return reference.ok && isDeepStrictEqual(subset, reference.value)
}

async function corpus (): Promise<Array<{ name: string, text: string }>> {
  const files = [
    ...await listProviderFiles(BUNDLED_DIR),
    ...await listProviderFiles(VALID_PROVIDERS_DIR),
    ...await listProviderFiles(INVALID_PROVIDERS_DIR),
  ]
  const sources = readdirSync(ISPDB_DIR).filter((name) => name.endsWith('.xml')).sort()
    .map((name) => ({ file: name, text: readFileSync(join(ISPDB_DIR, name), 'utf8') }))
  const imported = importAutoconfigFiles(sources).flatMap((outcome) => outcome.ok ? [{ name: `ISPDB ${outcome.value.fileName}`, text: outcome.value.yaml }] : [])
  return [
    ...files.map((file) => ({ name: file, text: readFileSync(file, 'utf8') })),
    ...imported,
    ...[0, 1, 9999].map((p) => ({ name: `generated hoster${p}`, text: largeProviderYaml(p) })),
  ]
}

t.test('every corpus file is read as js-yaml reads it, and almost every one by the subset reader', async (t) => {
  const files = await corpus()
  let read = 0
  for (const { name, text } of files) {
    const subset = readYamlSubset(text)
    if (subset === undefined) continue
    read++
    const reference = readWithJsYaml(text)
    t.ok(reference.ok, `${name}: js-yaml reads it too`)
    t.strictSame(subset, reference.ok ? reference.value : undefined, name)
  }
  // The bundled set, the importer's output and the benchmark's hoster files are the reader's purpose.
  t.ok(files.length > 180, `${files.length} files`)
  t.ok(read / files.length > 0.9, `${read} of ${files.length} read by the subset reader`)
  for (const p of [0, 1, 9999]) t.not(readYamlSubset(largeProviderYaml(p)), undefined, `the large catalog's hoster${p} is read by it`)
})

t.test('named shapes: read as js-yaml reads them, or given up on', async (t) => {
  // [what, text, read by the subset reader?]
  const cases: Array<[string, string, boolean]> = [
    ['plain scalars, integers and booleans', 'name: Hoster 1\nport: 993\nzero: 0\nyes: yes\non: True\noff: FALSE\n', true],
    ['comments: whole lines, after values, after a key', '# head\nname: A # after\nurl: https://x.test/#anchor\nlist: # before a block\n  - a # entry\n', true],
    ['a sequence indented under its key, and one at the key\'s indentation', 'a:\n  - x\n  - y\nb:\n- z\nc: d\n', true],
    ['sequence entries that open mappings, with nested lists and mappings', 'incoming:\n  - type: imap\n    auth: [oauth2, password-cleartext]\n    pop3:\n      leave: true\n  -   type: pop3\n      host: h\n', true],
    ['quoted scalars', 'a: "%EMAILADDRESS%"\nb: \'it\'\'s\'\nc: "#not a comment" # a comment\nd: \'\'\n', true],
    ['flow sequences', 'a: [x, y z]\nb: []\nc: [ x ,y ]\nd: [1, true] # c\n', true],
    ['block scalars, folded and literal, clipped and stripped', 'a: >-\n  one\n  two\nb: |\n    # not a comment\n    x: y\nc: >\n  z\n\nd: |-\n  w\n', true],
    ['keys that are words of other languages\' objects', 'constructor: a\ntoString: b\nhasOwnProperty: c\n', true],
    ['text outside ASCII', 'name: Müller & Söhne — ✉\ntext: «a» b\n', true],
    ['null words', 'a: null\n', false],
    ['~', 'a: ~\n', false],
    ['an empty value', 'a:\nb: c\n', false],
    ['an empty value at the end', 'a: b\nc:\n', false],
    ['hexadecimal', 'a: 0x1F\n', false],
    ['octal', 'a: 0o17\n', false],
    ['a leading zero', 'a: 012\n', false],
    ['a sign', 'a: -1\n', false],
    ['a float', 'a: 1.5\n', false],
    ['an exponent', 'a: 1e3\n', false],
    ['infinity', 'a: .inf\n', false],
    ['a date-like scalar', 'a: 2001-12-14\n', false],
    ['a domain starting with a digit', 'a: 1und1.de\n', false],
    ['an integer past the safe range', 'a: 12345678901234567890\n', false],
    ['a tab', 'a:\tb\n', false],
    ['a tab in a value', 'a: b\tc\n', false],
    ['CR LF line ends', 'a: b\r\nc: d\r\n', false],
    ['a byte order mark', '\ufeffa: b\n', false],
    ['a control character', 'a: b\u0007\n', false],
    ['NEL', 'a: b\u0085c\n', false],
    ['a line separator', 'a: b\u2028c\n', false],
    ['a character outside the BMP', 'a: 😀\n', false],
    ['a duplicate key', 'a: b\na: c\n', false],
    ['__proto__', '__proto__: b\n', false],
    ['a quoted key', '"a": b\n', false],
    ['a key with a space', 'a b: c\n', false],
    ['a key with a dot', 'a.b: c\n', false],
    ['a value that is a mapping on one line', 'a: b: c\n', false],
    ['a value ending in a colon', 'a: b:\n', false],
    ['key:value without a space', 'a:b\n', false],
    ['a multi-line plain scalar', 'a: b\n  c\n', false],
    ['a multi-line plain scalar under an empty key', 'a:\n  b\n', false],
    ['a multi-line quoted scalar', 'a: "b\n  c"\n', false],
    ['an escape', 'a: "b\\n"\n', false],
    ['text after a quoted scalar', 'a: "b" c\n', false],
    ['an anchor and alias', 'a: &x b\nc: *x\n', false],
    ['a tag', 'a: !!str 1\n', false],
    ['a flow mapping', 'a: {b: c}\n', false],
    ['a nested flow sequence', 'a: [[b]]\n', false],
    ['a trailing comma', 'a: [b, ]\n', false],
    ['quotes in a flow sequence', 'a: [\'b\', c]\n', false],
    ['a colon in a flow sequence', 'a: [b:c]\n', false],
    ['a comment in a flow sequence', 'a: [b #c\n  , d]\n', false],
    ['an unclosed flow sequence', 'a: [b,\n  c]\n', false],
    ['a directive', '%YAML 1.2\n---\na: b\n', false],
    ['a document start', '---\na: b\n', false],
    ['a document end', 'a: b\n...\n', false],
    ['an indented top', '  a: b\n', false],
    ['a sequence at the top', '- a\n', false],
    ['a scalar at the top', 'a\n', false],
    ['an empty text', '', false],
    ['only comments', '# nothing\n', false],
    ['a key indented too far', 'a: b\n  c: d\n', false],
    ['a key indented too little', 'a:\n    b: c\n  d: e\n', false],
    ['a sequence entry where a key belongs', 'a: b\n- c\n', false],
    ['a sequence of sequences', 'a:\n  - - b\n', false],
    ['an empty sequence entry', 'a:\n  -\n  - b\n', false],
    ['a key after an indented sequence at its indentation', 'a:\n  - b\n  c: d\n', false],
    ['a block scalar with a blank line inside', 'a: >-\n  b\n\n  c\n', false],
    ['a block scalar with a more indented line', 'a: >-\n  b\n    c\n', false],
    ['a block scalar with trailing spaces', 'a: |-\n  b  \n', false],
    ['a block scalar followed by a line of more spaces than its indentation (content)', 'a: |\n  x\n     \nb: c\n', false],
    ['a folded one too', 'a: >-\n  x\n     \n', false],
    ['a block scalar followed by a line of spaces', 'a: |\n  x\n  \nb: c\n', false],
    ['a kept block scalar', 'a: |+\n  b\n', false],
    ['an indentation indicator', 'a: >2\n   b\n', false],
    ['a block scalar with a comment on its header', 'a: >- # c\n  b\n', false],
    ['an empty block scalar', 'a: |\nb: c\n', false],
    ['indicator starts', 'a: @b\nc: `d\n', false],
    ['a percent start', 'a: %EMAILADDRESS%\n', false],
    ['a question mark key', '? a\n: b\n', false],
  ]
  for (const [what, text, read] of cases) {
    const subset = readYamlSubset(text)
    if (!read) {
      t.equal(subset, undefined, `${what}: given up on`)
      continue
    }
    const reference = readWithJsYaml(text)
    t.ok(reference.ok, `${what}: valid YAML`)
    t.strictSame(subset, reference.ok ? reference.value : 'js-yaml refused it', `${what}: read as js-yaml reads it`)
  }
  t.strictSame(readYamlSubset('a: >-\n  one\n  two\nb: |\n  x\n  y\n'), { a: 'one two', b: 'x\ny\n' }, 'folded lines join with spaces, literal ones keep their breaks')
})

/** Scalars that mean different things to different readers, or nothing. */
const TRICKY_SCALARS = [
  'a', 'Hoster 1', 'yes', 'no', 'on', 'True', 'tRUE', 'false', 'null', 'Null', '~', '0', '7', '993', '012', '0x1F', '0o7',
  '1e3', '1_000', '-1', '+1', '.5', '.inf', '.NaN', '2001-12-14', 'a: b', 'a:b', 'a:', 'a #b', 'a#b', '#b', '\'q\'',
  '\'it\'\'s\'', '\'a\' b', '"d"', '"e\\n"', '"f', '[a, b]', '[a, ]', '[]', '[a:b]', '[1, true, x y]', '[[a]]', '{a: b}',
  '&x a', '*x', '!tag a', '!!str 1', '|', '>-', '|-', '>', '- a', '-', '%x', '@x', '`x', '?', '? a', 'a, b', 'Müller',
  '\u00a0x', 'x\u00a0', 'é: x', 'https://x.test/#a', 'a  ', '  a', '😀', 'a\tb', '---', '...',
]
/** Scalars the subset reader takes, so that many generated documents reach its reading and not only its refusals. */
const PLAIN_SCALARS = ['a', 'Hoster 1', 'imap.example.com', '993', 'true', 'x y z', '"%EMAILADDRESS%"', '\'q\'', '[a, b]', 'https://x.test/#a']
const KEYS = ['a', 'b', 'c', 'd', 'name', 'incoming', 'host', 'port', '_x', 'a-b', 'constructor']
const TRICKY_KEYS = ['a b', 'a.b', '"q"', '__proto__', '1', '-a', '? a', 'a:']
const scalar = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PLAIN_SCALARS) }, { weight: 1, arbitrary: fc.constantFrom(...TRICKY_SCALARS) })
const key = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...TRICKY_KEYS) })

interface Node { kind: 'scalar', text: string }
type Value = Node | { kind: 'map', entries: Array<[string, Value]> } | { kind: 'seq', items: Value[] } | { kind: 'block', header: string, lines: string[] }

const value: fc.Arbitrary<Value> = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((text): Value => ({ kind: 'scalar', text })),
    fc.record({ kind: fc.constant('map' as const), entries: fc.array(fc.tuple(key, tie('value')), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('seq' as const), items: fc.array(tie('value'), { minLength: 1, maxLength: 3 }) }),
    fc.record({
      kind: fc.constant('block' as const),
      header: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('|', '|-', '>', '>-') }, { weight: 1, arbitrary: fc.constantFrom('|+', '>2', '>- # c') }),
      lines: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('x', 'a b', '# c', 'd: e') }, { weight: 1, arbitrary: fc.constantFrom('', '  more', 'f  ', ' ', '   ') }), { minLength: 1, maxLength: 3 }),
    }),
  ),
})).value

/** Writes a value in block style with the given indentation step; `compact` puts sequences at their key's indentation. */
function render (node: Value, indent: number, step: number, compact: boolean): string {
  const pad = ' '.repeat(indent)
  if (node.kind === 'map') {
    return node.entries.map(([key, child]) => {
      if (child.kind === 'scalar') return `${pad}${key}: ${child.text}\n`
      if (child.kind === 'block') return `${pad}${key}: ${child.header}\n${child.lines.map((line) => line === '' ? '\n' : `${pad}${' '.repeat(step)}${line}\n`).join('')}`
      const childIndent = child.kind === 'seq' && compact ? indent : indent + step
      return `${pad}${key}:\n${render(child, childIndent, step, compact)}`
    }).join('')
  }
  if (node.kind === 'seq') {
    return node.items.map((item) => {
      if (item.kind === 'scalar') return `${pad}- ${item.text}\n`
      if (item.kind === 'map') {
        // The first entry on the dash's line, the others lined up under it.
        const body = render(item, indent + 2, step, compact)
        return `${pad}- ${body.slice(indent + 2)}`
      }
      return `${pad}-\n${render(item, indent + step, step, compact)}`
    }).join('')
  }
  if (node.kind === 'block') return `${pad}${node.header}\n${node.lines.map((line) => `${pad}${line}\n`).join('')}`
  return `${pad}${node.text}\n`
}

const documents = fc.record({
  top: fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 5 }),
  step: fc.constantFrom(1, 2, 4),
  compact: fc.boolean(),
  // The text's end: as rendered, without its last line break, or with a line of spaces after it.
  end: fc.constantFrom('as rendered', 'no final line break', 'spaces after'),
}).map(({ top, step, compact, end }) => {
  const text = render({ kind: 'map', entries: top }, 0, step, compact)
  return end === 'no final line break' ? text.slice(0, -1) : end === 'spaces after' ? `${text}   \n` : text
})

t.test('generated documents full of traps: given up on, or read as js-yaml reads them', async (t) => {
  let read = 0
  fc.assert(fc.property(documents, (text) => {
    if (readYamlSubset(text) !== undefined) read++
    return agreesWithJsYaml(text)
  }), { numRuns: 5000 })
  t.ok(read > 300, `${read} of 5000 read by the subset reader, so the property is not vacuous`)
})

t.test('corpus files with random edits: given up on, or read as js-yaml reads them', async (t) => {
  const texts = (await corpus()).map((file) => file.text)
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 3 }),
    insert: fc.array(fc.constantFrom(' ', '  ', '\n', '-', '- ', ':', ': ', '#', ' #', '\'', '"', '[', ']', ',', '|', '>', '&', '*', '!', '%', 'a', '0', '~', '\t', '\r', '---\n', '\u00a0'), { maxLength: 3 }),
  })
  let read = 0
  fc.assert(fc.property(fc.nat({ max: texts.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), (which, edits) => {
    let text = texts[which]!
    for (const { at, remove, insert } of edits) {
      const where = at % (text.length + 1)
      text = text.slice(0, where) + insert.join('') + text.slice(where + remove)
    }
    if (readYamlSubset(text) !== undefined) read++
    return agreesWithJsYaml(text)
  }), { numRuns: 10_000 })
  t.ok(read > 1000, `${read} of 10000 edited files read by the subset reader`)
})
