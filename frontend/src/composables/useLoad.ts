import { ref, type Ref } from 'vue'
import { i18n } from '../i18n'

/**
 * A screen's data and how its load went: `loading` while fetching,
 * `error` in words when it failed (never an empty list that looks like an
 * all-clear), `load()` to fetch again. Show them with <LoadState>. Only the
 * newest load counts: an older answer arriving late is dropped.
 */
export function useLoad<T>(fetch: () => Promise<T>, initial: T): { data: Ref<T>; error: Ref<string>; loading: Ref<boolean>; load: () => Promise<void> } {
  const data = ref(initial) as Ref<T>
  const error = ref('')
  const loading = ref(true)
  let latest = 0
  async function load() {
    const mine = ++latest
    loading.value = true
    try {
      const got = await fetch()
      if (mine !== latest) return
      data.value = got
      error.value = ''
    } catch (e) {
      if (mine !== latest) return
      error.value = (e as Error)?.message || i18n.global.t('fix.loadFailed')
    } finally {
      if (mine === latest) loading.value = false
    }
  }
  return { data, error, loading, load }
}
