import t from 'tap'
import { pickText } from '../../src/model/localized-text.ts'

t.test('picking a text: same tag, same primary language, English or untagged, else the first', async (t) => {
  const texts = [{ lang: 'fr', text: 'fr' }, { lang: 'de-AT', text: 'de-AT' }, { lang: 'pt-BR', text: 'pt-BR' }, { lang: 'en', text: 'en' }]
  t.same(pickText(texts, 'de-AT'), { text: 'de-AT', lang: 'de-AT' }, 'the same tag')
  t.same(pickText(texts, 'DE-at'), { text: 'de-AT', lang: 'de-AT' }, 'tags compare without case')
  t.same(pickText(texts, 'de'), { text: 'de-AT', lang: 'de-AT' }, 'the same primary language')
  t.same(pickText(texts, 'pt-PT'), { text: 'pt-BR', lang: 'pt-BR' })
  t.same(pickText(texts, 'ja'), { text: 'en', lang: 'en' }, 'English when the language is missing')
  t.same(pickText([{ lang: 'de', text: 'de' }, { text: 'untagged' }], 'ja'), { text: 'untagged', lang: undefined }, 'or an untagged text')
  t.same(pickText([{ lang: 'de', text: 'de' }, { lang: 'fr', text: 'fr' }], 'ja'), { text: 'de', lang: 'de' }, 'else the first')
  t.equal(pickText([], 'de'), undefined)
})
