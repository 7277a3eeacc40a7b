import { createApp } from 'vue'
import { createPinia } from 'pinia'
import Vant from 'vant'
import 'vant/lib/index.css'
import './styles/contrast.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { setLanguage } from './api'

setLanguage(i18n.global.locale.value)
createApp(App).use(createPinia()).use(router).use(i18n).use(Vant).mount('#app')
