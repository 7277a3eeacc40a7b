// Service-menu names by code (GET /categories), in the reader's language.
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { get } from '../api'

export interface MenuEntry { code: string; name: string; name_zh?: string; name_en?: string; group?: string }

const menu = ref<MenuEntry[]>([])
let loading: Promise<void> | null = null

/** The menu (read once per page load) and `nameOf(code)`; an unknown code shows as it is. */
export function useCategories() {
  const { locale } = useI18n()
  if (!menu.value.length && !loading) {
    loading = get<MenuEntry[]>('/categories')
      .then((m) => {
        menu.value = m
      })
      .catch(() => {
        loading = null
      })
  }
  const nameOf = (code: string) => {
    const c = menu.value.find((x) => x.code === code)
    if (!c) return code
    return (locale.value === 'en' ? c.name_en : c.name_zh) ?? c.name
  }
  return { menu, nameOf }
}
