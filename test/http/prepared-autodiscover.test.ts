import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { parseEmailAddress } from '../../src/email-address.ts'
import { preparedAutodiscover } from '../../src/http/prepared-autodiscover.ts'
import type { Provider } from '../../src/model/provider.ts'
import { renderAutodiscover } from '../../src/render/autodiscover.ts'
import { BUNDLED_DIR, FIXTURES_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'

t.test('prepared answers equal direct renders: settings, redirects and the loop guard', async (t) => {
  const providers: Provider[] = []
  for (const dir of [BUNDLED_DIR, VALID_PROVIDERS_DIR, `${FIXTURES_DIR}/providers/autodiscover`]) {
    const loaded = await loadProviders(dir)
    if (!loaded.ok) throw new Error(`${dir} must load`)
    providers.push(...loaded.catalog.providers.values())
  }
  const addresses = ['alice@gmail.com', "O'Brien&Co@example.com", 'alice@example.net', 'bob@hosted.test', 'x@team.markup.test', 'jörg@bücher.example']
  for (const provider of providers) {
    for (const text of addresses) {
      const address = parseEmailAddress(text)!
      for (const schema of ['outlook-2006a', 'outlook-2006'] as const) {
        t.equal(preparedAutodiscover(provider, address, schema), renderAutodiscover(provider, { address, schema }), `${provider.id} ${text} ${schema}`)
      }
    }
  }
})

t.test('a provider whose text defeats the template is rendered per request, still correctly', async (t) => {
  const loaded = await loadProviders(VALID_PROVIDERS_DIR)
  if (!loaded.ok) throw new Error('fixtures must load')
  const minimal = loaded.catalog.providers.get('minimal')!
  const odd: Provider = { ...minimal, incoming: [{ ...minimal.incoming[0]!, username: 'x\uE000%EMAILADDRESS%' }] }
  const address = parseEmailAddress('a@minimal.test')!
  t.equal(preparedAutodiscover(odd, address, 'outlook-2006a'), renderAutodiscover(odd, { address, schema: 'outlook-2006a' }))
  t.match(preparedAutodiscover(odd, address, 'outlook-2006a'), '<LoginName>x\uE000a@minimal.test</LoginName>')
})
