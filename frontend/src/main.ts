import { createApp } from 'vue'
import { createPinia } from 'pinia'
import Vant from 'vant'
import 'vant/lib/index.css'
import './styles/contrast.css'
import './styles/elder.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { usePrefs } from './stores/prefs'
import { applyLanguage, currentLang } from './lang'
import { watchVantA11y } from './a11y'
import './a11y.css'

applyLanguage(currentLang())
const pinia = createPinia()
usePrefs(pinia).install() // 长辈模式: the class on <html>, per user
createApp(App).use(pinia).use(router).use(i18n).use(Vant).mount('#app')
watchVantA11y(document.body)
