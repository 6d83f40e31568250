/**
 * Writes an imported provider as a YAML provider file: a header with the import notes, the source file's
 * comments next to the values they described, and authentication lists in flow style as hand-written files have.
 */
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml'
import type { PlacedComment, YamlPath } from './import-log.ts'

/** An XML comment as YAML comment text: blank edge lines dropped, common indentation removed, one space after `#`. */
export function commentText (xmlComment: string): string {
  const lines = xmlComment.split(/\r?\n/).map((line) => line.replace(/\s+$/, ''))
  // A comment that opens on the line of `<!--` has no meaningful indentation on that first line.
  const inline = lines[0]!.trim() !== '' ? [lines.shift()!.trim()] : []
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift()
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop()
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)![0].length))
  return [...inline, ...lines.map((line) => line.slice(Number.isFinite(indent) ? indent : 0))]
    .map((line) => line === '' ? '' : ` ${line}`)
    .join('\n')
}

function append (existing: string | null | undefined, text: string): string {
  return existing === undefined || existing === null || existing === '' ? text : `${existing}\n${text}`
}

/** The node at `path`, or the deepest existing ancestor with how many trailing segments were missing. */
function deepest (doc: Document, path: YamlPath): { node: Node | undefined, missing: number } {
  for (let length = path.length; length > 0; length--) {
    const node = doc.getIn(path.slice(0, length), true) as Node | undefined
    if (node !== undefined && node !== null) return { node, missing: path.length - length }
  }
  return { node: undefined, missing: path.length }
}

function place (doc: Document, comment: PlacedComment): void {
  const text = commentText(comment.text)
  if (text === '') return
  const { node, missing } = deepest(doc, comment.path)
  if (comment.path.length === 0 || node === undefined) {
    if (comment.where === 'before') doc.commentBefore = append(doc.commentBefore, text)
    else doc.comment = append(doc.comment, text)
    return
  }
  if (comment.where === 'before' && missing === 0) {
    const parent = comment.path.length === 1 ? doc.contents : doc.getIn(comment.path.slice(0, -1), true)
    const last = comment.path.at(-1)
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last)
      if (pair !== undefined && isScalar(pair.key)) {
        pair.key.commentBefore = append(pair.key.commentBefore, text)
        return
      }
    } else if (isSeq(parent)) {
      node.commentBefore = append(node.commentBefore, text)
      return
    }
  }
  // A closing comment, or one whose value was not written: it goes after the nearest node that exists.
  node.comment = append(node.comment, text)
}

export interface ProviderYamlOptions {
  /** Lines of the header comment, without `#`. */
  header: readonly string[]
  comments: readonly PlacedComment[]
}

export function providerYaml (provider: Record<string, unknown>, options: ProviderYamlOptions): string {
  const doc = new Document(provider)
  for (const direction of ['incoming', 'outgoing']) {
    const servers = doc.get(direction, true)
    if (!isSeq(servers)) continue
    for (const server of servers.items) {
      const auth = isMap(server) ? server.get('auth', true) : undefined
      if (isSeq(auth)) auth.flow = true
    }
  }
  doc.commentBefore = options.header.map((line) => line === '' ? '' : ` ${line}`).join('\n')
  for (const comment of options.comments) place(doc, comment)
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false })
}
