import { createApp } from 'vue'
import { createPinia } from 'pinia'
import Vant from 'vant'
import 'vant/lib/index.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { applyLanguage, currentLang } from './lang'
import { watchVantA11y } from './a11y'
import './a11y.css'

applyLanguage(currentLang())
createApp(App).use(createPinia()).use(router).use(i18n).use(Vant).mount('#app')
watchVantA11y(document.body)
