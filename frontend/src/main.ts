import { createApp } from 'vue'
import { createPinia } from 'pinia'
import Vant from 'vant'
import 'vant/lib/index.css'
import './styles/contrast.css'
import './styles/elder.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { setLanguage } from './api'
import { usePrefs } from './stores/prefs'

setLanguage(i18n.global.locale.value)
const pinia = createPinia()
usePrefs(pinia).install() // 长辈模式: the class on <html>, per user
createApp(App).use(pinia).use(router).use(i18n).use(Vant).mount('#app')
