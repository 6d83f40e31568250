/**
 * Problems found in provider files, each pinned to the place an author must edit: `file:line:col path: message`.
 * zod issue paths are mapped to YAML nodes with the `yaml` package's `parseDocument` + `LineCounter`
 * (https://eemeli.org/yaml/#line-counter), so nested mistakes point at their own line, not their parent's.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import type * as z from 'zod'

export interface Problem {
  file: string
  line: number
  col: number
  /** Dotted path inside the provider (`incoming.0.port`); empty for file-level problems. */
  path: string
  message: string
}

export function formatProblem (p: Problem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path === '' ? '' : `${p.path}: `}${p.message}`
}

export function formatPath (path: readonly PropertyKey[]): string {
  return path.map(String).join('.')
}

/** The YAML node of a map entry's key, so an unknown key is reported where it is written. */
function keyNode (map: Node, key: string): Node | undefined {
  if (!isMap(map)) return undefined
  const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key)
  return pair !== undefined && isScalar(pair.key) ? pair.key : undefined
}

/** The deepest node that exists along `path`: a missing key is reported at the object that lacks it. */
function nodeAt (doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined
  for (const segment of path) {
    if (node === undefined) break
    let next: unknown
    if (isMap(node)) next = node.get(String(segment), true)
    else if (isSeq(node) && typeof segment === 'number') next = node.get(segment, true)
    if (next === undefined || next === null) break
    node = next as Node
  }
  return node
}

/** Where the value at `path` is written, or the nearest enclosing node when it is not (a default). */
export function positionAt (doc: Document, lines: LineCounter, path: readonly PropertyKey[]): { line: number, col: number } {
  return position(lines, nodeAt(doc, path))
}

function position (lines: LineCounter, node: Node | undefined): { line: number, col: number } {
  const offset = node?.range?.[0] ?? 0
  return lines.linePos(offset)
}

function describeIssue (issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${describeValue(issue.input)}`
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`
    default:
      return issue.message
  }
}

function describeValue (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return JSON.stringify(value)
}

/** Turns every zod issue into positioned problems; unknown keys yield one problem per key. */
export function problemsFromIssues (
  file: string, doc: Document, lines: LineCounter, issues: readonly z.core.$ZodIssue[],
): Problem[] {
  const problems: Problem[] = []
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const parent = nodeAt(doc, issue.path)
      for (const key of issue.keys) {
        const at = position(lines, keyNode(parent as Node, key) ?? parent)
        problems.push({ file, ...at, path: formatPath([...issue.path, key]), message: 'unknown key (check its spelling in providers/README.md)' })
      }
      continue
    }
    const at = position(lines, nodeAt(doc, issue.path))
    problems.push({ file, ...at, path: formatPath(issue.path), message: describeIssue(issue) })
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col)
}
