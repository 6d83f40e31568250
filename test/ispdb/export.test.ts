import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { exportCatalog, HTACCESS } from '../../src/ispdb/export.ts'
import { XML_CONTENT_TYPE } from '../../src/render/xml.ts'
import { build, BUNDLED_DIR, VALID_PROVIDERS_DIR } from '../helper.ts'

for (const dir of [VALID_PROVIDERS_DIR, BUNDLED_DIR]) {
  t.test(`every exported file is byte for byte what /v1.1/<domain> serves (${dir})`, async (t) => {
    const loaded = await loadProviders(dir)
    if (!loaded.ok) throw new Error('fixtures must load')
    const { files, domains } = exportCatalog(loaded.catalog)
    const app = await build(t, { providersDir: dir })
    const documents = files.filter((file) => !file.path.endsWith('/.htaccess'))
    t.equal(documents.length, domains)
    t.equal(domains, loaded.catalog.domainCount - [...loaded.catalog.providers.values()].flatMap((p) => p.domains).filter((d) => d.startsWith('*.')).length, 'one file per exact domain')
    for (const file of documents) {
      const served = await app.inject(`/${file.path}`)
      t.equal(served.statusCode, 200, file.path)
      t.equal(served.headers['content-type'], XML_CONTENT_TYPE)
      t.ok(served.rawPayload.equals(file.body), `${file.path}: same bytes`)
    }
  })
}

t.test('wildcards are reported, not exported; files are sorted; .htaccess sets the content type', async (t) => {
  const loaded = await loadProviders(VALID_PROVIDERS_DIR)
  if (!loaded.ok) throw new Error('fixtures must load')
  const result = exportCatalog(loaded.catalog)
  t.same(result.skipped, ['*.example.org'])
  t.same(result.files.map((file) => file.path), ['v1.1/example.com', 'v1.1/example.net', 'v1.1/minimal.test', 'v1.1/xn--bcher-kva.example', 'v1.1/.htaccess'])
  t.equal(result.files.at(-1)!.body.toString(), HTACCESS)
  t.match(HTACCESS, `ForceType "${XML_CONTENT_TYPE}"`)
})
