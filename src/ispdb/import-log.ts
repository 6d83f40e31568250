/**
 * What an import did besides copying values: every fix it made and every value it could not carry over, each
 * with the line of the source file and the reason. Nothing is left out of the provider file without a note here.
 * Also the comments of the source file, kept with the YAML node they stood before.
 */

export type NoteKind = 'fixed' | 'dropped' | 'error'

export interface ImportNote {
  line: number
  /** Where a parser could say it (a file that is not well-formed). */
  col?: number
  kind: NoteKind
  message: string
}

/** `file:line[:col]: kind: what and why`, the format every import note is printed in. */
export function formatNote (file: string, note: ImportNote): string {
  return `${file}:${note.line}${note.col === undefined ? '' : `:${note.col}`}: ${note.kind}: ${note.message}`
}

export class ImportLog {
  readonly notes: ImportNote[] = []

  fixed (line: number, message: string): void {
    this.notes.push({ line, kind: 'fixed', message })
  }

  dropped (line: number, message: string): void {
    this.notes.push({ line, kind: 'dropped', message })
  }

  error (line: number, message: string, col?: number): void {
    this.notes.push({ line, ...(col === undefined ? {} : { col }), kind: 'error', message })
  }

  get failed (): boolean {
    return this.notes.some((note) => note.kind === 'error')
  }

  /** Notes in source order, so a reader can follow the file from top to bottom. */
  sorted (): ImportNote[] {
    return [...this.notes].sort((a, b) => a.line - b.line)
  }
}

/** A place in the produced YAML: keys and list indexes from the document root. */
export type YamlPath = ReadonlyArray<string | number>

export interface PlacedComment {
  path: YamlPath
  /** `before` the node at `path`, or `after` its last entry (comments that closed an element). */
  where: 'before' | 'after'
  text: string
}

/** Comments waiting for the YAML node they belong to; relative to a scope until adopted by its parent. */
export class CommentTrail {
  readonly placed: PlacedComment[] = []

  add (path: YamlPath, where: PlacedComment['where'], texts: readonly string[]): void {
    for (const text of texts) this.placed.push({ path, where, text })
  }

  /** Takes a nested scope's comments, their paths prefixed with where that scope's value landed. */
  adopt (child: CommentTrail, prefix: YamlPath): void {
    for (const comment of child.placed) this.placed.push({ ...comment, path: [...prefix, ...comment.path] })
  }
}

/** A model validation issue as a note's reason: `path: message`, or `path: missing` for an absent value. */
export function describeIssue (issue: { path: readonly PropertyKey[], message: string, input?: unknown }): string {
  const path = issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `
  return `${path}${issue.input === undefined ? 'missing' : issue.message}`
}

/** Shortens a value for a note: one line, at most 60 characters. */
export function quote (value: string): string {
  const line = value.replace(/\s+/g, ' ').trim()
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line)
}

function words (name: string): string {
  return name.split(/(?=[A-Z])/).map((word) => word.toLowerCase()).sort().join(' ')
}

function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The known element name an unknown one was probably meant to be: the same letters in another case
 * (`DisplayName`), the same words in another order (`displayNameShort` for `displayShortName`), or one or two
 * letters off in a name long enough that this cannot be chance (`hostnmae`).
 */
export function resembles (name: string, known: Iterable<string>): string | undefined {
  for (const candidate of known) {
    if (candidate.toLowerCase() === name.toLowerCase() || words(candidate) === words(name)) return candidate
  }
  for (const candidate of known) {
    if (Math.min(candidate.length, name.length) >= 6 && editDistance(candidate.toLowerCase(), name.toLowerCase()) <= 2) return candidate
  }
  return undefined
}
