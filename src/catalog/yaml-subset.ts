/**
 * A reader for the plain subset of YAML that provider files are written in, quicker than js-yaml, which took about
 * half of each file's time when a 10,000-file catalog loaded (18 µs a file against js-yaml's 30 on the benchmark's
 * generated files, measured in one process). Its inner loops test character codes rather than regular expressions,
 * Set lookups or splits, which cost a quarter of the reading: 141k instructions a generated file against 105k
 * (callgrind, `node --single-threaded`, 20,000 readings). It answers only for text it fully understands and gives
 * up (undefined) on anything else, which js-yaml then reads (load.ts): so it must never read a text differently
 * from js-yaml with the YAML 1.2 core schema. The differential test (test/catalog/yaml-subset.test.ts) holds it to
 * that on every bundled, fixture and imported ISPDB file and on generated documents full of the traps listed below.
 *
 * Understood (YAML 1.2, https://yaml.org/spec/1.2.2/):
 * - a block mapping at the top (§8.2.2), block mappings and sequences within it, indented with spaces, a
 *   sequence under a key indented or not, a sequence entry that opens a mapping (`- type: imap`);
 * - keys of letters, digits, `_` and `-`, once each (js-yaml refuses duplicates);
 * - one-line values: plain scalars (§7.3.3) resolved by the core schema (§10.3.2) where that is unambiguous (strings
 *   that start with a letter, `true`/`false`, decimal integers), single- and double-quoted scalars without escapes
 *   or line breaks (§7.3), flow sequences of such plain scalars (`[oauth2, password-cleartext]`, §7.4.1);
 * - block scalars `|`, `|-`, `>`, `>-` (§8.1) whose lines share one indentation with no blank lines between
 *   and no lines of spaces only;
 * - comments: whole lines, and after a value following a space (§6.6).
 * Given up on: tabs, CR, control characters, BOMs, non-BMP characters, directives, document markers, anchors,
 * aliases, tags, flow mappings, multi-line plain or quoted scalars, escapes, empty values (null), `null`/`~`,
 * numbers other than plain decimal integers, keys that are not simple words, `__proto__`, and any indentation
 * that is not one of the shapes above.
 */

/** Characters that send the whole text to js-yaml: tab, CR and other controls, DEL and C1, BOM, non-characters, line/paragraph separators, surrogates. */
// eslint-disable-next-line no-control-regex -- these control characters are what the test is for
const OUTSIDE_SUBSET = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/
/** A decimal integer that the core schema reads as that integer, and exactly (no leading zero, no sign, safe range). */
const DECIMAL_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/
/** Plain scalars the core schema resolves to null (§10.3.2); given up on rather than returned as null. */
const NULL_WORDS = new Set(['null', 'Null', 'NULL'])
const BOOLEANS = new Map([['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false]])

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
class OutsideSubset extends Error {}

function giveUp (): never {
  throw new OutsideSubset()
}

interface Line {
  /** Leading spaces. */
  indent: number
  /** The line without its indentation and trailing spaces; '' for a blank line. */
  text: string
  /** A comment-only line (only in block scalars is it content). */
  comment: boolean
  /** Spaces followed the text (content in a block scalar). */
  trailingSpaces: boolean
}

/** The text's top-level mapping, or undefined when the text is not in the subset (js-yaml decides then). */
export function readYamlSubset (text: string): Record<string, unknown> | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined
  try {
    return new SubsetReader(text).document()
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined
    throw error
  }
}

class SubsetReader {
  readonly #lines: Line[]
  /** The next line to read. */
  #at = 0

  constructor (text: string) {
    this.#lines = splitLines(text)
  }

  document (): Record<string, unknown> {
    this.#skipInsignificant()
    const first = this.#lines[this.#at]
    if (first === undefined || first.indent !== 0) giveUp()
    const mapping = this.#mapping(0)
    this.#skipInsignificant()
    if (this.#at < this.#lines.length) giveUp()
    return mapping
  }

  /** Moves past blank and comment-only lines. */
  #skipInsignificant (): void {
    while (this.#at < this.#lines.length && (this.#lines[this.#at]!.text === '' || this.#lines[this.#at]!.comment)) this.#at++
  }

  /** The next significant line, not consumed. */
  #peek (): Line | undefined {
    this.#skipInsignificant()
    return this.#lines[this.#at]
  }

  /** A block mapping whose keys are at `indent`; the current line is its first key. */
  #mapping (indent: number): Record<string, unknown> {
    const mapping: Record<string, unknown> = {}
    for (let line = this.#peek(); line !== undefined && line.indent >= indent; line = this.#peek()) {
      if (line.indent > indent || isSequenceEntry(line.text)) giveUp()
      const key = keyOf(line.text)
      if (key === undefined || key === '__proto__' || Object.hasOwn(mapping, key)) giveUp()
      const rest = spacesTrimmed(line.text, key.length + 1, line.text.length)
      this.#at++
      mapping[key] = this.#value(rest, indent)
    }
    return mapping
  }

  /** The value after `key:` (the rest of the line, `rest`) of a key at `indent`. */
  #value (rest: string, indent: number): unknown {
    if (isBlockScalarHeader(rest)) return this.#blockScalar(rest, indent)
    if (rest !== '' && !rest.startsWith('#')) {
      const value = inlineValue(rest)
      // A more indented line after a one-line value continues it (a multi-line scalar) or is an error.
      const next = this.#peek()
      if (next !== undefined && next.indent > indent) giveUp()
      return value
    }
    const next = this.#peek()
    if (next === undefined) giveUp() // an empty value: null
    if (next.indent > indent) return isSequenceEntry(next.text) ? this.#sequence(next.indent) : this.#mapping(next.indent)
    // A sequence may sit at its key's own indentation (§8.2.1, "compact" block sequence in a mapping).
    if (next.indent === indent && isSequenceEntry(next.text)) return this.#sequence(indent)
    return giveUp() // an empty value: null
  }

  /** A block sequence whose `-` are at `indent`. */
  #sequence (indent: number): unknown[] {
    const sequence: unknown[] = []
    for (let line = this.#peek(); line !== undefined && line.indent >= indent; line = this.#peek()) {
      if (line.indent > indent || !isSequenceEntry(line.text)) {
        // A key at the sequence's own indentation ends a compact sequence; anything else here is not ours.
        if (line.indent === indent && keyOf(line.text) !== undefined) break
        giveUp()
      }
      let spaces = 0
      while (line.text.charCodeAt(1 + spaces) === SPACE) spaces++
      const entry = line.text.slice(1 + spaces)
      if (entry === '' || entry.startsWith('#') || isSequenceEntry(entry)) giveUp()
      if (keyOf(entry) !== undefined) {
        // `- key: value`: a mapping whose keys line up with this first one (§8.2.1).
        this.#lines[this.#at] = { ...line, indent: indent + 1 + spaces, text: entry }
        sequence.push(this.#mapping(indent + 1 + spaces))
      } else {
        this.#at++
        sequence.push(inlineValue(entry))
        const next = this.#peek()
        if (next !== undefined && next.indent > indent) giveUp()
      }
    }
    return sequence
  }

  /**
   * A block scalar (§8.1.1) after a key at `indent`: its lines must share one indentation, deeper than the key,
   * with no blank line between them and no trailing spaces (which a folded scalar keeps).
   */
  #blockScalar (header: string, indent: number): string {
    const content: string[] = []
    let contentIndent = -1
    let blankSeen = false
    while (this.#at < this.#lines.length) {
      const line = this.#lines[this.#at]!
      if (line.text === '') {
        // A line of spaces only is content when it has more of them than the scalar's indentation ("x\n   \n"):
        // given up on rather than measured.
        if (line.indent > 0) giveUp()
        blankSeen = true
        this.#at++
        continue
      }
      if (line.indent <= indent) break
      if (contentIndent === -1) contentIndent = line.indent
      if (line.indent !== contentIndent || blankSeen || line.trailingSpaces) giveUp()
      content.push(line.text)
      this.#at++
    }
    if (content.length === 0) giveUp()
    const joined = content.join(header.startsWith('>') ? ' ' : '\n')
    return header.endsWith('-') ? joined : `${joined}\n`
  }
}

const SPACE = 0x20
const COLON = 0x3a

/** The text's lines, each measured once (by character codes: a regex such as / +$/ costs more than the rest of the reading). */
function splitLines (text: string): Line[] {
  const lines: Line[] = []
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    let first = start
    while (first < end && text.charCodeAt(first) === SPACE) first++
    let last = end
    while (last > first && text.charCodeAt(last - 1) === SPACE) last--
    const line = text.slice(first, last)
    const indent = first - start
    // Directives and document markers (§9.1, §9.2) are for js-yaml.
    if (indent === 0 && (line.startsWith('%') || line.startsWith('---') || line.startsWith('...'))) giveUp()
    lines.push({ indent, text: line, comment: line.startsWith('#'), trailingSpaces: last !== end })
    start = end + 1
  }
  return lines
}

/** `text` from `start` to `end` without the spaces at either end (only spaces: YAML separates with spaces and tabs, not with the other characters String#trim removes). */
function spacesTrimmed (text: string, start: number, end: number): string {
  while (start < end && text.charCodeAt(start) === SPACE) start++
  while (end > start && text.charCodeAt(end - 1) === SPACE) end--
  return text.slice(start, end)
}

/**
 * The key of a `key:` line: letters, digits, `_` and `-`, not starting with a digit or `-`, followed by `:` and
 * then a space or the end of the line (a `key:value` is a plain scalar, not a key). By character codes: a regex
 * here cost a tenth of the reading.
 */
function keyOf (text: string): string | undefined {
  let end = 0
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end)
    const letter = (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f
    if (!(letter || (end > 0 && ((code >= 0x30 && code <= 0x39) || code === 0x2d)))) break
  }
  if (end === 0 || text.charCodeAt(end) !== COLON) return undefined
  const after = text.charCodeAt(end + 1)
  return Number.isNaN(after) || after === SPACE ? text.slice(0, end) : undefined
}

/** Block scalar headers understood: `|`, `|-`, `>`, `>-` (literal or folded, clipped or stripped, no indentation indicator). */
function isBlockScalarHeader (text: string): boolean {
  const first = text.charCodeAt(0)
  return (first === 0x7c || first === 0x3e) && (text.length === 1 || (text.length === 2 && text.charCodeAt(1) === 0x2d))
}

function isSequenceEntry (text: string): boolean {
  return text === '-' || text.startsWith('- ')
}

/** A value written on its key's line or its sequence entry's: quoted, a flow sequence or plain. */
function inlineValue (text: string): unknown {
  switch (text[0]) {
    case '"': return quoted(text, '"')
    case '\'': return quoted(text, '\'')
    case '[': return flowSequence(text)
    default: {
      const comment = text.indexOf(' #')
      return plainScalar(spacesTrimmed(text, 0, comment === -1 ? text.length : comment), false)
    }
  }
}

/** A one-line quoted scalar: double-quoted without escapes, single-quoted with `''` for a quote (§7.3.2). */
function quoted (text: string, quote: '"' | '\''): string {
  let end = text.indexOf(quote, 1)
  if (quote === '\'') {
    while (end !== -1 && text[end + 1] === '\'') end = text.indexOf('\'', end + 2)
  }
  if (end === -1) giveUp()
  const inner = text.slice(1, end)
  if (quote === '"' && inner.includes('\\')) giveUp()
  expectEndOfValue(text.slice(end + 1))
  return quote === '\'' ? inner.replaceAll('\'\'', '\'') : inner
}

/** `[a, b]` of plain scalars on one line. */
function flowSequence (text: string): unknown[] {
  const end = text.indexOf(']')
  if (end === -1) giveUp()
  expectEndOfValue(text.slice(end + 1))
  const items: unknown[] = []
  if (spacesTrimmed(text, 1, end) === '') return items
  for (let start = 1; start <= end;) {
    let comma = text.indexOf(',', start)
    if (comma === -1 || comma > end) comma = end
    items.push(plainScalar(spacesTrimmed(text, start, comma), true))
    start = comma + 1
  }
  return items
}

/** After a closing quote or bracket: nothing, or a comment. */
function expectEndOfValue (rest: string): void {
  if (rest !== '' && !/^ +#/.test(rest)) giveUp()
}

/** A plain scalar resolved by the core schema, or given up on where that takes more than this reader knows. */
function plainScalar (text: string, inFlow: boolean): string | number | boolean {
  const first = text.charCodeAt(0)
  if (first >= 0x30 && first <= 0x39) {
    if (DECIMAL_INTEGER.test(text)) return Number(text)
    giveUp()
  }
  // By character code: the first character is a letter or anything from U+00A0 on (surrogates never get here).
  if (!((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first >= 0xa0)) giveUp()
  if (text.length === 4 && NULL_WORDS.has(text)) giveUp()
  // `: ` would make a key, a trailing `:` too; in a flow sequence `:`, `#` and brackets have meanings of their own.
  if (text.charCodeAt(text.length - 1) === COLON || text.includes(': ')) giveUp()
  if (inFlow && /[:#[\]{}"']/.test(text)) giveUp()
  if (text.length === 4 || text.length === 5) return BOOLEANS.get(text) ?? text
  return text
}
