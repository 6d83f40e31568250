/**
 * Autodiscover answers ready to fill: per provider and response schema, a template compiled once from the
 * renderer (render/xml-template.ts), so a request only escapes its address into a few slots. Redirect answers
 * are rare and rendered per request. A template is compiled by the first request that needs it, not for every
 * provider at load: compiling costs about a quarter of a millisecond once, while a template takes about 3 KB for
 * as long as its catalog is served, which for a hoster's 10,000 providers, most rarely asked about, is some
 * 30 MB held for nothing. Templates hang off the provider object, so a reloaded catalog starts
 * afresh and old ones are collected.
 */
import type { OutlookSchema } from '../autodiscover-schemas.ts'
import type { EmailAddress } from '../email-address.ts'
import type { Provider } from '../model/provider.ts'
import { autodiscoverAction, renderAutodiscoverRedirect, renderAutodiscoverSettings } from '../render/autodiscover.ts'
import { compileAddressTemplate, type AddressTemplate } from '../render/xml-template.ts'

/** `null`: the provider's document cannot be a template (see xml-template.ts) and is rendered per request. */
type Compiled = AddressTemplate | null

/** A provider's templates by response schema, each compiled when first asked for. */
type Templates = Partial<Record<OutlookSchema, Compiled>>

const templates = new WeakMap<Provider, Templates>()

function templatesOf (provider: Provider): Templates {
  let perSchema = templates.get(provider)
  if (perSchema === undefined) templates.set(provider, perSchema = {})
  return perSchema
}

function answerFrom (provider: Provider, perSchema: Templates, address: EmailAddress, schema: OutlookSchema): string {
  const action = autodiscoverAction(provider, address)
  if (action.action !== 'settings') return renderAutodiscoverRedirect(action, schema)
  let template = perSchema[schema]
  if (template === undefined) {
    template = compileAddressTemplate((address) => renderAutodiscoverSettings(provider, { address, schema })) ?? null
    perSchema[schema] = template
  }
  return template === null ? renderAutodiscoverSettings(provider, { address, schema }) : template(address)
}

/** The answer for `address`, equal to `renderAutodiscover(provider, { address, schema })`. */
export function preparedAutodiscover (provider: Provider, address: EmailAddress, schema: OutlookSchema): string {
  return answerFrom(provider, templatesOf(provider), address, schema)
}

/** An AutodiscoverAnswerer's answer for `address`: `preparedAutodiscover` for the provider it was made for. */
export type AutodiscoverAnswerer = (address: EmailAddress, schema: OutlookSchema) => string

/**
 * `preparedAutodiscover` for one provider, with its templates found once, for a caller that keeps it (the fast
 * path's POST, per domain: fast-path/answers-by-domain.ts).
 */
export function autodiscoverAnswerer (provider: Provider): AutodiscoverAnswerer {
  const perSchema = templatesOf(provider)
  return (address, schema) => answerFrom(provider, perSchema, address, schema)
}
