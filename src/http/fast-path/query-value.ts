/**
 * One parameter of a query string, exactly as fast-querystring's `parse(query)[name]` gives it (the parser
 * Fastify's router uses, and so what the routes see), without parsing the rest into an object: a string, an array
 * when the name is given more than once, or undefined. The fast path asks for one parameter per request, and the
 * whole parse cost about as much as the rest of reading the request (profiled under load).
 *
 * fast-querystring's rules, followed here: pairs are split at `&` and at the first `=`; a pair without `=` has the
 * value `""`, and one with neither key nor `=` is skipped; `+` becomes a space and then `%XX` sequences are decoded
 * (by fast-decode-uri-component, the decoder it uses; undecodable text is kept as it is). Keys are compared as
 * written, so a query where some key holds `%` or `+` (which decoding could turn into the name) is parsed in full
 * instead. test/http/fast-path/query-value.test.ts holds the two equal over generated queries.
 */
import decode from 'fast-decode-uri-component'
import { parse as parseQuery } from 'fast-querystring'

function valueText (query: string, from: number, to: number): string {
  let value = query.slice(from, to)
  if (value.includes('+')) value = value.replaceAll('+', ' ')
  // `||` as fast-querystring has it: an empty decoding keeps the text too.
  return value.includes('%') ? decode(value) || value : value
}

/** The next `char` at or after `from`, or the query's length when there is none. */
function next (query: string, char: string, from: number): number {
  const at = query.indexOf(char, from)
  return at === -1 ? query.length : at
}

export function queryValue (query: string, name: string): string | string[] | undefined {
  let found: string | string[] | undefined
  // The next `=`, `+` and `%` are looked for only once passed, so a query of many pairs is read once, not once per pair.
  let equals = -1
  let plus = -1
  let percent = -1
  for (let start = 0; start <= query.length;) {
    const end = next(query, '&', start)
    if (equals < start) equals = next(query, '=', start)
    if (plus < start) plus = next(query, '+', start)
    if (percent < start) percent = next(query, '%', start)
    const keyEnd = Math.min(equals, end)
    if (plus < keyEnd || percent < keyEnd) return parseQuery(query)[name] as string | string[] | undefined
    if (keyEnd - start === name.length && query.startsWith(name, start) && (keyEnd < end || keyEnd > start)) {
      const value = keyEnd === end ? '' : valueText(query, keyEnd + 1, end)
      found = found === undefined ? value : typeof found === 'string' ? [found, value] : [...found, value]
    }
    start = end + 1
  }
  return found
}
