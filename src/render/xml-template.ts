/**
 * Documents that differ between requests only by the address asked about (an autodiscover answer names it in
 * `LoginName`, `DisplayName` and perhaps a host such as `pop.%EMAILDOMAIN%`). Rendering one through XMLBuilder
 * per request costs more than the rest of the request; instead the renderer runs once with marker characters
 * in place of the local part and the domain, the output is cut at the markers, and each request joins the pieces
 * with its own local part and domain escaped by `escapeXml`, the builder's own escaping. Escaping maps character
 * by character, so the result is byte for byte what the renderer would have produced.
 *
 * That holds only if the renderer uses the address by substitution alone. Compilation checks it on probe
 * addresses (upper case, markup characters, non-ASCII) and gives up, returning undefined, when a filled probe
 * differs from a direct render, e.g. because provider text happens to contain a marker character; callers
 * then render per request.
 */
import type { EmailAddress } from '../email-address.ts'
import { ownCopy } from '../own-copy.ts'
import { escapeXml } from './xml.ts'

/** Private-use characters: never produced by the renderer itself. */
const LOCAL_PART_MARK = '\uE000'
const DOMAIN_MARK = '\uE001'
const MARKS = /[\uE000\uE001]/g

export type AddressTemplate = (address: EmailAddress) => string

function address (localPart: string, domain: string): EmailAddress {
  return { localPart, domain, address: `${localPart}@${domain}` }
}

const PROBES = [
  address('probe', 'example.com'),
  address('Mixed.Case+<&>"\'', 'xn--bcher-kva.example'),
  address('jörg_ünïcödé', 'sub.example.org'),
]

export function compileAddressTemplate (render: (address: EmailAddress) => string): AddressTemplate | undefined {
  const marked = render(address(LOCAL_PART_MARK, DOMAIN_MARK))
  // Each piece a copy of its own: the marked render is stored two bytes per character (the marks are outside
  // Latin-1), and a slice would keep it all; with a template per provider, that halves a large catalog's templates.
  const pieces: string[] = []
  const isLocalPart: boolean[] = []
  let last = 0
  for (const mark of marked.matchAll(MARKS)) {
    pieces.push(ownCopy(marked.slice(last, mark.index)))
    isLocalPart.push(mark[0] === LOCAL_PART_MARK)
    last = mark.index + 1
  }
  const tail = ownCopy(marked.slice(last))

  const fill: AddressTemplate = ({ localPart, domain }) => {
    const local = escapeXml(localPart)
    const host = escapeXml(domain)
    let out = ''
    for (let i = 0; i < pieces.length; i++) out += pieces[i]! + (isLocalPart[i] === true ? local : host)
    return out + tail
  }
  return PROBES.every((probe) => fill(probe) === render(probe)) ? fill : undefined
}
