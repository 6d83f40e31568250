/**
 * The per-address half of a lookup as a template: serialized once per provider and match, with the address's parts
 * and the links as slots, so a request copies text and escapes a few short strings instead of building and
 * serializing an object (which took several times as long as everything else the request does).
 *
 * The template is made from the serializer's own output for a probe address whose parts are sentinels: a control
 * character (which JSON always escapes, and no real address or provider value holds) and a letter naming the slot.
 * A URL template percent-encodes the sentinel (`%01L`) where a plain one is JSON-escaped (`\u0001L`), so each slot
 * records which of the two the value needs. `%EMAILADDRESS%` is `local@domain`, so it needs no slot of its own.
 * Every template is checked once against the serializer for an awkward address before use; one that disagrees
 * (a provider value that happens to look like a sentinel, say) is not used, and such lookups are serialized whole.
 */
import type { EmailAddress } from '../../email-address.ts'
import { encodeForUrl } from '../../model/placeholders.ts'
import type { LookupContext } from '../../render/api.ts'

/** What varies between the lookups one template serves. */
export interface LookupSlots {
  address: EmailAddress
  links: LookupContext['links']
}

type SlotName = 'L' | 'D' | 'A' | 'B'
/** A slot's index in `fill`'s table of values: the name's, doubled for URL-encoded values. */
type Piece = string | number

const SLOT_INDEX: Record<SlotName, number> = { L: 0, D: 1, A: 2, B: 3 }
const URL_ENCODED = 4

const SENTINEL = '\u0001'
const PROBE_ADDRESS: EmailAddress = { address: `${SENTINEL}L@${SENTINEL}D`, localPart: `${SENTINEL}L`, domain: `${SENTINEL}D` }
const PROBE_LINKS = { autoconfig: `${SENTINEL}A`, autodiscover: `${SENTINEL}B` }
/** The sentinel as the serializer writes it in JSON (`\u0001`), or as a URL template writes it (`%01`). */
const SLOT_PATTERN = /\\u0001([LDAB])|%01([LD])/g

/** What JSON escapes inside a string: quote, backslash, controls and (lone) surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/

/** A value as JSON writes it inside a string: the same escaping the serializer applies. */
function jsonText (value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value).slice(1, -1) : value
}

/** An awkward address for the check: every character class a local part may hold, and an A-label domain. */
const CHECK_SLOTS: LookupSlots = {
  address: { address: 'o\'brien+x/y%z.é€𝄞@xn--mnchen-3ya.example', localPart: 'o\'brien+x/y%z.é€𝄞', domain: 'xn--mnchen-3ya.example' },
  links: { autoconfig: 'https://h.example/mail/config-v1.1.xml?emailaddress=o\'brien%2Bx', autodiscover: 'https://h.example/autodiscover/autodiscover.xml' },
}

/** Filled text and its length in UTF-8 bytes (what Content-Length states). */
export interface MeasuredText {
  text: string
  bytes: number
}

const utf8Bytes = (pieces: readonly Piece[]) => pieces.reduce<number>((sum, piece) => typeof piece === 'string' ? sum + Buffer.byteLength(piece) : sum, 0)

export class LookupTemplate {
  readonly #pieces: readonly Piece[]
  readonly #piecesBytes: number
  /** `#pieces` without the closing brace (see `fillOpen`). */
  readonly #openPieces: readonly Piece[]
  readonly #openPiecesBytes: number

  private constructor (pieces: readonly Piece[]) {
    this.#pieces = pieces
    this.#piecesBytes = utf8Bytes(pieces)
    const last = pieces.at(-1) as string
    this.#openPieces = [...pieces.slice(0, -1), last.slice(0, -1)]
    this.#openPiecesBytes = utf8Bytes(this.#openPieces)
  }

  /**
   * The template for `serialize(slots)` (a function of the address and links only), or undefined when the
   * serializer's output cannot be reproduced by filling slots. The output must be a JSON object.
   */
  static compile (serialize: (slots: LookupSlots) => string): LookupTemplate | undefined {
    const probe = serialize({ address: PROBE_ADDRESS, links: PROBE_LINKS })
    if (!probe.endsWith('}')) return undefined
    const pieces: Piece[] = []
    let last = 0
    for (const found of probe.matchAll(SLOT_PATTERN)) {
      pieces.push(probe.slice(last, found.index))
      pieces.push(found[1] !== undefined ? SLOT_INDEX[found[1] as SlotName] : SLOT_INDEX[found[2] as SlotName] + URL_ENCODED)
      last = found.index + found[0].length
    }
    pieces.push(probe.slice(last))
    const template = new LookupTemplate(pieces)
    const expected = serialize(CHECK_SLOTS)
    const filled = template.fillMeasured(CHECK_SLOTS)
    return filled.text === expected && filled.bytes === Buffer.byteLength(expected) ? template : undefined
  }

  fillMeasured (slots: LookupSlots): MeasuredText {
    return this.#fill(slots, this.#pieces, this.#piecesBytes)
  }

  /**
   * The object without its closing brace, for more members to follow, and its UTF-8 length. Counting the bytes as
   * the text is put together spares measuring the whole body, and leaving the brace off in the template spares
   * slicing it off the filled text (which makes V8 copy the text into one piece first): together about 1 % of an
   * API lookup's instructions outside the compilers and GC (npm run bench:instructions).
   */
  fillOpen (slots: LookupSlots): MeasuredText {
    return this.#fill(slots, this.#openPieces, this.#openPiecesBytes)
  }

  #fill ({ address, links }: LookupSlots, pieces: readonly Piece[], piecesBytes: number): MeasuredText {
    const raw = [address.localPart, address.domain, links.autoconfig, links.autodiscover]
    // Each value escaped (and encoded) and measured once, when a slot first needs it.
    const escaped: Array<string | undefined> = []
    const escapedBytes: number[] = []
    let text = ''
    let bytes = piecesBytes
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        text += piece
        continue
      }
      let value = escaped[piece]
      if (value === undefined) {
        escaped[piece] = value = jsonText(piece >= URL_ENCODED ? encodeForUrl(raw[piece - URL_ENCODED]!) : raw[piece]!)
        escapedBytes[piece] = Buffer.byteLength(value)
      }
      text += value
      bytes += escapedBytes[piece]!
    }
    return { text, bytes }
  }
}
