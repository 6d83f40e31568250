/**
 * Checks a domain's published DNS against the records it should have (render/dns-zone.ts): each record is asked
 * for by name and type through the configured resolvers and reported as `ok`, `missing` (the name or the type does
 * not exist), `different` (with what was found instead) or `error` (the lookup itself failed, e.g. a timeout).
 * Names are asked once each, however many records share them (a service's SRV set).
 */
import type { Resolver } from 'node:dns/promises'
import { recordData, type DnsRecord } from '../render/dns-zone.ts'

export type RecordCheck =
  | { status: 'ok' }
  | { status: 'missing' }
  | { status: 'different', found: string[] }
  | { status: 'error', reason: string }

export type CheckedRecord = DnsRecord & { check: RecordCheck }

/** What the check needs of `node:dns/promises` Resolver. */
export type RecordResolver = Pick<Resolver, 'resolveCname' | 'resolveSrv' | 'resolveTxt' | 'resolve4' | 'resolve6'>

/** Errors that mean the answer was "no such record", not that the question went unanswered. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA'])

/** Names compared as DNS does: without case, with or without the final dot. */
const canonical = (name: string): string => (name === '' || name === '.' ? '.' : `${name.replace(/\.$/, '')}.`).toLowerCase()

/** The answers for one name and type, each written as `recordData` writes the expected record. */
async function lookUp (resolver: RecordResolver, record: DnsRecord): Promise<string[]> {
  switch (record.type) {
    case 'CNAME': return (await resolver.resolveCname(record.name)).map(canonical)
    case 'A': return resolver.resolve4(record.name)
    case 'AAAA': return resolver.resolve6(record.name)
    case 'SRV': return (await resolver.resolveSrv(record.name))
      .map((srv) => `${srv.priority} ${srv.weight} ${srv.port} ${canonical(srv.name)}`)
    case 'TXT': return (await resolver.resolveTxt(record.name))
      .map((chunks) => recordData({ ...record, text: chunks.join('') }))
  }
}

function expected (record: DnsRecord): string {
  const data = recordData(record)
  if (record.type === 'CNAME') return canonical(data)
  if (record.type === 'SRV') return data.replace(/\S+$/, canonical)
  return data
}

export async function checkRecords (records: readonly DnsRecord[], resolver: RecordResolver): Promise<CheckedRecord[]> {
  const answers = new Map<string, Promise<{ found: string[] } | { absent: true } | { reason: string }>>()
  const answerFor = (record: DnsRecord) => {
    const key = `${record.type} ${canonical(record.name)}`
    let answer = answers.get(key)
    if (answer === undefined) {
      answer = lookUp(resolver, record).then(
        (found) => ({ found }),
        (error: NodeJS.ErrnoException) => ABSENT.has(error.code ?? '') ? { absent: true as const } : { reason: error.code ?? error.message },
      )
      answers.set(key, answer)
    }
    return answer
  }
  return Promise.all(records.map(async (record): Promise<CheckedRecord> => {
    const answer = await answerFor(record)
    if ('absent' in answer) return { ...record, check: { status: 'missing' } }
    if ('reason' in answer) return { ...record, check: { status: 'error', reason: answer.reason } }
    const want = expected(record)
    if (answer.found.includes(want)) return { ...record, check: { status: 'ok' } }
    return { ...record, check: answer.found.length === 0 ? { status: 'missing' } : { status: 'different', found: answer.found } }
  }))
}

/** Advice (render/api.ts) with each record checked, and whether every one is in place. */
export async function checkAdvice<A extends { records: readonly DnsRecord[] }> (advice: A, resolver: RecordResolver): Promise<Omit<A, 'records'> & { records: CheckedRecord[], inPlace: boolean }> {
  const records = await checkRecords(advice.records, resolver)
  return { ...advice, records, inPlace: records.every((record) => record.check.status === 'ok') }
}
