import t from 'tap'
import { parsePublicBaseUrl } from '../../../src/http/reply/public-base-url.ts'
import { build } from '../../helper.ts'

t.test('configured base URLs', async (t) => {
  t.equal(parsePublicBaseUrl('https://autoconfig.example.net'), 'https://autoconfig.example.net')
  t.equal(parsePublicBaseUrl('https://autoconfig.example.net/'), 'https://autoconfig.example.net', 'trailing slash dropped')
  t.equal(parsePublicBaseUrl('https://Example.NET:8443/mail/'), 'https://example.net:8443/mail', 'a path prefix is kept')
  t.equal(parsePublicBaseUrl('http://localhost:8080'), 'http://localhost:8080')
  for (const bad of ['autoconfig.example.net', 'ftp://example.net', 'https://example.net/?x=1', 'https://example.net/#top', 'https://user:pw@example.net']) {
    t.throws(() => parsePublicBaseUrl(bad), { message: /publicBaseUrl/ }, bad)
  }
  await t.rejects(build(t, { publicBaseUrl: 'nonsense' }), { message: /publicBaseUrl "nonsense" is not a URL/ }, 'the app refuses to build')
})
