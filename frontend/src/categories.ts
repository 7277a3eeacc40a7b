// The service menu (GET /categories), fetched once and shared: skills and
// categories are shown by name (助老助残), never by code (elderly_care).
import { computed, ref } from 'vue'
import { get } from './api'
import { i18n } from './i18n'
import type { Category } from './types'

/** A category as the server sends it: `name` in the asked language, both names beside it. */
export type NamedCategory = Category & { name_zh?: string; name_en?: string }

const list = ref<NamedCategory[] | null>(null)
let pending: Promise<NamedCategory[]> | null = null

/** The menu; fetched the first time, then from memory (a failure is not remembered). */
export function loadCategories(): Promise<NamedCategory[]> {
  if (list.value) return Promise.resolve(list.value)
  pending ??= get<NamedCategory[]>('/categories')
    .then((l) => (list.value = l))
    .finally(() => (pending = null))
  return pending
}

/** One category's name in `lang`; the code itself only when the menu does not know it. */
export function categoryName(code: string, menu: NamedCategory[] | null, lang: string): string {
  const c = menu?.find((x) => x.code === code)
  if (!c) return code
  return (lang === 'en' ? c.name_en : c.name_zh) || c.name || code
}

/** Skills as words: "助老助残、代购代办" (", " in English). */
export function skillNames(codes: string[] | null | undefined, menu: NamedCategory[] | null, lang: string): string {
  return (codes ?? []).map((c) => categoryName(c, menu, lang)).join(lang === 'en' ? ', ' : '、')
}

/** For components: the menu, loaded on first use, and names that follow the UI language. */
export function useCategories() {
  void loadCategories().catch(() => undefined)
  const lang = computed(() => i18n.global.locale.value as string)
  return {
    categories: computed(() => list.value ?? []),
    name: (code: string) => categoryName(code, list.value, lang.value),
    skills: (codes: string[] | null | undefined) => skillNames(codes, list.value, lang.value),
  }
}

/** Forget the menu (tests; a language switch is handled by name_zh / name_en). */
export function resetCategories(): void {
  list.value = null
  pending = null
}
