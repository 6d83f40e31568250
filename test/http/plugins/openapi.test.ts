import t from 'tap'
import { build } from '../../helper.ts'

t.test('/docs serves Swagger UI with every asset it references, from the package', async (t) => {
  const app = await build(t)
  for (const entry of ['/docs', '/docs/']) {
    const page = await app.inject({ url: entry })
    t.equal(page.statusCode, 200, entry)
    t.equal(page.headers['content-type'], 'text/html; charset=utf-8')
    t.match(page.body, '<title>mail-autoconfig API</title>')
    t.match(page.body, '<div id="swagger-ui"></div>')
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, `http://localhost${entry}`).pathname)
    t.ok(assets.length >= 6, `${entry} references its scripts, styles and icons`)
    t.notOk(assets.some((asset) => !asset.startsWith('/docs/static/')), 'nothing from another host')
    for (const asset of assets) {
      const res = await app.inject({ url: asset })
      t.equal(res.statusCode, 200, asset)
      t.ok(res.rawPayload.length > 0, `${asset} is not empty`)
      const type = String(res.headers['content-type'])
      if (asset.endsWith('.js')) t.match(type, /javascript/, asset)
      if (asset.endsWith('.css')) t.match(type, /text\/css/, asset)
      if (asset.endsWith('.png')) t.match(type, /image\/png/, asset)
    }
  }
  const initializer = await app.inject({ url: '/docs/static/swagger-initializer.js' })
  t.match(initializer.body, "resolveUrl('./json')", 'the UI loads the document from /docs/json')
  t.match(initializer.body, 'validatorUrl: null', 'and sends it to no outside validator')
  const json = await app.inject({ url: '/docs/json' })
  t.same(json.json(), (await app.inject({ url: '/openapi.json' })).json(), 'the UI shows the served document')
})
