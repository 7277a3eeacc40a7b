// The UI language in one place: vue-i18n's texts, Vant's own words (dialog
// buttons, picker, pull-refresh), the API's Accept-Language, the page's
// `lang` attribute and the choice remembered on this device.
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
import { i18n } from './i18n'
import { setLanguage } from './api'

export type Lang = 'zh' | 'en'

export function currentLang(): Lang {
  return i18n.global.locale.value === 'en' ? 'en' : 'zh'
}

/** Switches every part of the UI to `lang` (and remembers it on this device). */
export function applyLanguage(lang: Lang): void {
  i18n.global.locale.value = lang
  localStorage.setItem('linli.lang', lang)
  setLanguage(lang)
  if (lang === 'en') Locale.use('en-US', enUS)
  else Locale.use('zh-CN', zhCN)
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN'
  document.title = lang === 'en' ? 'Linli' : '邻里 Linli'
}
