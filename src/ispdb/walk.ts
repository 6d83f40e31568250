/**
 * Walking an element's children with one handler per known element name. Whatever no handler takes (an unknown
 * element, stray text, an attribute nobody reads) is reported, so an import can never lose a value unnoticed.
 * A misspelt element name that resembles a known one is read as that element, and the fix is reported.
 */
import { CommentTrail, ImportLog, quote, resembles, type YamlPath } from './import-log.ts'
import { attributeOf, textOf, type XmlElement } from './read-xml.ts'

/** Reads one child element; returns where its value went in the YAML (for the comments before it), if anywhere. */
export type Handler = (element: XmlElement) => YamlPath | undefined

export interface WalkContext {
  log: ImportLog
  comments: CommentTrail
}

export function describe (element: XmlElement): string {
  const type = attributeOf(element, 'type')
  return type === undefined ? `<${element.name}>` : `<${element.name} type="${type}">`
}

/**
 * Calls the handler for each child element in document order. Comments go to the YAML node of the element that
 * follows them; comments at the end of the element go after `endPath`.
 */
export function walkChildren (parent: XmlElement, handlers: Record<string, Handler>, context: WalkContext, endPath: YamlPath = []): void {
  const { log, comments } = context
  const present = new Set(parent.children.flatMap((child) => child.kind === 'element' ? [child.name] : []))
  let pending: string[] = []
  for (const child of parent.children) {
    if (child.kind === 'comment') {
      pending.push(child.text)
      continue
    }
    if (child.kind === 'text') {
      if (child.text.trim() !== '') log.dropped(parent.line, `text ${quote(child.text)} directly inside <${parent.name}> belongs to no element`)
      continue
    }
    let handler = Object.hasOwn(handlers, child.name) ? handlers[child.name] : undefined
    if (handler === undefined) {
      const meant = resembles(child.name, Object.keys(handlers))
      if (meant !== undefined && !present.has(meant)) {
        log.fixed(child.line, `<${child.name}> is a misspelling of <${meant}>; read as <${meant}>`)
        handler = handlers[meant]
      } else if (meant !== undefined) {
        log.dropped(child.line, `<${child.name}> looks like a misspelt <${meant}>, which is also present; the correctly spelt one is kept`)
      } else {
        const content = textOf(child)
        log.dropped(child.line, `unknown element <${child.name}>${content === '' ? '' : ` (${quote(content)})`} inside <${parent.name}>: not part of the autoconfig format`)
      }
    }
    const landed = handler?.(child)
    if (landed !== undefined) {
      comments.add(landed, 'before', pending)
    } else {
      for (const text of pending) log.dropped(child.line, `comment ${quote(text)}: it introduced ${describe(child)}, which was not carried over`)
    }
    pending = []
  }
  comments.add(endPath, 'after', pending)
}

/** Reports every attribute of the element except the ones it is allowed to have (read by the caller). */
export function checkAttributes (element: XmlElement, allowed: readonly string[], log: ImportLog, why = 'not part of the autoconfig format'): void {
  for (const [name, value] of element.attributes) {
    if (!allowed.includes(name)) log.dropped(element.line, `attribute ${name}=${quote(value)} on ${describe(element)}: ${why}`)
  }
}

/** The text of an element that holds one value; child elements and attributes it should not have are reported. */
export function leafText (element: XmlElement, log: ImportLog, allowedAttributes: readonly string[] = []): string {
  checkAttributes(element, allowedAttributes, log)
  for (const child of element.children) {
    if (child.kind === 'element') log.dropped(child.line, `<${child.name}> inside <${element.name}>, which holds a plain value`)
    if (child.kind === 'comment') log.dropped(element.line, `comment ${quote(child.text)} inside <${element.name}>: a value has no place for it`)
  }
  return textOf(element)
}

/**
 * A handler that reads only the first of repeated elements, as Thunderbird's reader does (JXON keeps the first
 * of repeated names); later ones are reported.
 */
export function firstOnly (log: ImportLog, handler: Handler, why = 'Thunderbird reads only the first'): Handler {
  let seen = false
  return (element) => {
    if (seen) {
      const content = textOf(element)
      log.dropped(element.line, `a second ${describe(element)}${content === '' ? '' : ` (${quote(content)})`}: ${why}`)
      return undefined
    }
    seen = true
    return handler(element)
  }
}
