/**
 * The descriptive parts of an autoconfig file → provider fields: `<documentation>` (and its older name
 * `<instruction>`), `<enable>`, `<webMail>`, `<oAuth2>`, `<addressBook>`/`<calendar>`. Each part is checked
 * against the provider model's own schema, so a bad URL drops that part with a note instead of failing the file.
 */
import type * as z from 'zod'
import { providerSchema } from '../model/provider.ts'
import { DAV_AUTHENTICATION } from '../render/autoconfig.ts'
import { CommentTrail, describeIssue, ImportLog, quote } from './import-log.ts'
import { attributeOf, type XmlElement } from './read-xml.ts'
import { checkAttributes, describe, firstOnly, leafText, walkChildren, type Handler } from './walk.ts'

const fields = providerSchema.shape
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/

export interface Section {
  value: Record<string, unknown>
  comments: CommentTrail
}

/** Checks a section against its schema; on failure reports why (and the comments inside it) and returns undefined. */
function finish (element: XmlElement, value: Record<string, unknown>, schema: z.ZodType, comments: CommentTrail, log: ImportLog): Section | undefined {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) return { value, comments }
  const reasons = result.error.issues.map(describeIssue).join('; ')
  log.dropped(element.line, `${describe(element)} not carried over: ${reasons}`)
  for (const comment of comments.placed) log.dropped(element.line, `comment ${quote(comment.text)} inside that element`)
  return undefined
}

/** `<descr lang="de">…</descr>` and `<instruction lang="de">…</instruction>`: localized texts. */
function localizedText (element: XmlElement, log: ImportLog): { lang?: string, text: string } | undefined {
  const text = leafText(element, log, ['lang'])
  const lang = attributeOf(element, 'lang')?.trim()
  if (text === '') {
    log.dropped(element.line, `empty <${element.name}>`)
    return undefined
  }
  if (lang === undefined || lang === '') return { text }
  if (!LANGUAGE.test(lang)) {
    log.dropped(element.line, `lang=${quote(lang)} on <${element.name}> is not a language code such as en or pt-BR; the text is kept without it`)
    return { text }
  }
  return { lang, text }
}

function texts (element: XmlElement, childName: string, key: string, log: ImportLog, comments: CommentTrail): Array<{ lang?: string, text: string }> {
  const list: Array<{ lang?: string, text: string }> = []
  walkChildren(element, {
    [childName]: (child) => {
      const text = localizedText(child, log)
      if (text === undefined) return undefined
      list.push(text)
      return [key, list.length - 1]
    },
  }, { log, comments }, [key])
  return list
}

/** `<documentation url>` with `<descr>` children; `<instruction url>` is its name in older copies of the spec. */
export function importDocumentation (element: XmlElement, log: ImportLog): Section | undefined {
  checkAttributes(element, ['url'], log)
  const comments = new CommentTrail()
  const url = attributeOf(element, 'url')?.trim()
  if (url === undefined || url === '') {
    log.dropped(element.line, `${describe(element)} without url, with all it contains: a description alone points nowhere`)
    return undefined
  }
  const descriptions = texts(element, 'descr', 'descriptions', log, comments)
  const value = { url, ...(descriptions.length === 0 ? {} : { descriptions }) }
  return finish(element, value, fields.documentation.unwrap().element, comments, log)
}

/** `<enable visiturl>` with `<instruction>` children: what a user must switch on first. */
export function importEnable (element: XmlElement, log: ImportLog): Section | undefined {
  checkAttributes(element, ['visiturl'], log)
  const comments = new CommentTrail()
  const url = attributeOf(element, 'visiturl')?.trim()
  const instructions = texts(element, 'instruction', 'instructions', log, comments)
  const value = { ...(url === undefined || url === '' ? {} : { url }), ...(instructions.length === 0 ? {} : { instructions }) }
  if (Object.keys(value).length === 0) {
    log.dropped(element.line, '<enable> with neither visiturl nor instructions says nothing')
    return undefined
  }
  return finish(element, value, fields.enable.unwrap(), comments, log)
}

function fieldLocator (element: XmlElement, log: ImportLog): Record<string, string> {
  leafText(element, log, ['id', 'name'])
  const locator: Record<string, string> = {}
  for (const key of ['id', 'name']) {
    const value = attributeOf(element, key)?.trim()
    if (value !== undefined && value !== '') locator[key] = value
  }
  return locator
}

function importLoginPageInfo (element: XmlElement, log: ImportLog, comments: CommentTrail): Record<string, unknown> {
  checkAttributes(element, ['url', 'waitForRedirectionURLPrefix'], log)
  const info: Record<string, unknown> = { url: attributeOf(element, 'url')?.trim() }
  const wait = attributeOf(element, 'waitForRedirectionURLPrefix')?.trim()
  if (wait !== undefined) info.waitForRedirectionUrlPrefix = wait
  const locator = (key: string): Handler => firstOnly(log, (child) => {
    info[key] = fieldLocator(child, log)
    return [key]
  })
  walkChildren(element, {
    username: firstOnly(log, (child) => {
      info.username = leafText(child, log)
      return ['username']
    }),
    usernameField: locator('usernameField'),
    passwordField: locator('passwordField'),
    loginButton: locator('loginButton'),
  }, { log, comments })
  return info
}

/** `<webMail>`: the login page, and how to fill it in. */
export function importWebmail (element: XmlElement, log: ImportLog): Section | undefined {
  checkAttributes(element, [], log)
  const comments = new CommentTrail()
  const value: Record<string, unknown> = {}
  walkChildren(element, {
    loginPage: firstOnly(log, (child) => {
      leafText(child, log, ['url'])
      const url = attributeOf(child, 'url')?.trim()
      if (url === undefined || url === '') {
        log.dropped(child.line, '<loginPage> without url')
        return undefined
      }
      value.loginPage = url
      return ['loginPage']
    }),
    loginPageInfo: firstOnly(log, (child) => {
      const nested = new CommentTrail()
      value.loginPageInfo = importLoginPageInfo(child, log, nested)
      comments.adopt(nested, ['loginPageInfo'])
      return ['loginPageInfo']
    }),
  }, { log, comments })
  if (Object.keys(value).length === 0) {
    log.dropped(element.line, 'empty <webMail>')
    return undefined
  }
  return finish(element, value, fields.webmail.unwrap(), comments, log)
}

const OAUTH2_FIELDS = { issuer: 'issuer', scope: 'scope', authURL: 'authUrl', tokenURL: 'tokenUrl' } as const

/** `<oAuth2>`: issuer, scope and endpoints (informational for Thunderbird, which has its own table). */
export function importOAuth2 (element: XmlElement, log: ImportLog): Section | undefined {
  checkAttributes(element, [], log)
  const comments = new CommentTrail()
  const value: Record<string, unknown> = {}
  const handlers: Record<string, Handler> = {}
  for (const [name, key] of Object.entries(OAUTH2_FIELDS)) {
    handlers[name] = firstOnly(log, (child) => {
      value[key] = leafText(child, log)
      return [key]
    })
  }
  for (const name of ['clientID', 'clientSecret']) {
    handlers[name] = (child) => {
      log.dropped(child.line, `<${name}> (1.2 draft): client credentials belong to each client application, not to the provider's settings`)
      return undefined
    }
  }
  walkChildren(element, handlers, { log, comments })
  return finish(element, value, fields.oauth2.unwrap(), comments, log)
}

const DAV_AUTH_BY_NAME = new Map(Object.entries(DAV_AUTHENTICATION).map(([method, name]) => [name.toLowerCase(), method]))

/** `<addressBook type="carddav">` / `<calendar type="caldav">` (config-v1.1, "not yet implemented" by clients). */
export function importDav (element: XmlElement, expectedType: string, log: ImportLog): Section | undefined {
  checkAttributes(element, ['type'], log)
  const type = attributeOf(element, 'type')?.trim().toLowerCase()
  if (type !== undefined && type !== expectedType) {
    log.dropped(element.line, `${describe(element)}: only ${expectedType} is defined here; not carried over`)
    return undefined
  }
  const comments = new CommentTrail()
  const value: Record<string, unknown> = {}
  const auth: string[] = []
  const url: Handler = firstOnly(log, (child) => {
    value.url = leafText(child, log)
    return ['url']
  })
  walkChildren(element, {
    username: firstOnly(log, (child) => {
      value.username = leafText(child, log)
      return ['username']
    }),
    authentication: (child) => {
      const text = leafText(child, log)
      const method = DAV_AUTH_BY_NAME.get(text.toLowerCase())
      if (method === undefined || auth.includes(method)) {
        log.dropped(child.line, `<authentication> ${quote(text)} ${method === undefined ? 'is not http-basic, http-digest or OAuth2' : 'is listed twice'}`)
        return undefined
      }
      auth.push(method)
      return ['auth']
    },
    serverURL: url,
    // The 1.2 draft renames serverURL to url.
    url,
  }, { log, comments })
  if (auth.length > 0) value.auth = auth
  const schema = expectedType === 'carddav' ? fields.addressBook.unwrap() : fields.calendar.unwrap()
  return finish(element, value, schema, comments, log)
}
