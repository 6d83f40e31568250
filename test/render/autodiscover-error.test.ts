import t from 'tap'
import { XMLValidator } from 'fast-xml-parser'
import { renderAutodiscoverError } from '../../src/render/autodiscover-error.ts'
import { parseXml } from '../helper.ts'

t.test('an Error document with every element and attribute, in the root namespace only', async (t) => {
  const xml = renderAutodiscoverError({ errorCode: 600, message: 'Invalid <Request> & "more"', debugData: 'AUTODISCOVER_INVALID_REQUEST', time: '16:56:32.616', id: 4294967295 })
  t.equal(XMLValidator.validate(xml), true)
  t.same(parseXml(xml), {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    Autodiscover: {
      '@_xmlns': 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
      Response: {
        Error: {
          '@_Time': '16:56:32.616',
          '@_Id': '4294967295',
          ErrorCode: '600',
          Message: 'Invalid <Request> & "more"',
          DebugData: 'AUTODISCOVER_INVALID_REQUEST',
        },
      },
    },
  })
  t.match(xml, '<Message>Invalid &lt;Request&gt; &amp; &quot;more&quot;</Message>')
})
