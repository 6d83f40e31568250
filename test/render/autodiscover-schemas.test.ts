import t from 'tap'
import { requestedSchema } from '../../src/render/autodiscover-schemas.ts'

t.test('AcceptableResponseSchema values, compared loosely', async (t) => {
  const cases: Array<[string | undefined, string, string]> = [
    ['http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a', 'outlook-2006a', 'Outlook and Thunderbird'],
    ['https://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a', 'outlook-2006a', 'https as in Microsoft\'s documentation'],
    [' HTTP://SCHEMAS.MICROSOFT.COM/exchange/autodiscover/outlook/responseschema/2006A/ ', 'outlook-2006a', 'case, whitespace and a trailing slash'],
    ['http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006', 'outlook-2006', 'the older schema'],
    ['http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006', 'mobilesync', 'ActiveSync and new Outlook'],
    ['http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006b', 'unknown', 'a near miss is not a match'],
    ['ftp://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a', 'unknown', 'only http and https are ignored'],
    [undefined, 'outlook-2006a', 'absent: the only answer we have'],
    ['', 'outlook-2006a', 'empty: likewise'],
    [' \n ', 'outlook-2006a', 'only whitespace: likewise'],
  ]
  for (const [value, expected, reason] of cases) t.equal(requestedSchema(value), expected, reason)
})
