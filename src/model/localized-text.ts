/**
 * Choosing among a provider file's texts in several languages (`enable` instructions, documentation descriptions),
 * for the settings page in the reader's language and for Apple profiles in English.
 */
import type { LocalizedText } from './provider.ts'

/** Fallback when a file has no text in the language asked for. */
export const DEFAULT_LANGUAGE = 'en'

export interface TextView {
  text: string
  /** The text's language as the provider file tags it; undefined when untagged. */
  lang: string | undefined
}

const primary = (lang: string) => lang.toLowerCase().split('-')[0]

/**
 * The text in `language`: the same tag, else the same primary language (`de` for `de-AT`), else English or an
 * untagged text, else the first there is.
 */
export function pickText (texts: readonly LocalizedText[], language: string): TextView | undefined {
  const wanted = language.toLowerCase()
  const found = texts.find((t) => t.lang?.toLowerCase() === wanted) ??
    texts.find((t) => t.lang !== undefined && primary(t.lang) === primary(wanted)) ??
    texts.find((t) => t.lang === undefined || primary(t.lang) === DEFAULT_LANGUAGE) ??
    texts[0]
  return found === undefined ? undefined : { text: found.text, lang: found.lang }
}
