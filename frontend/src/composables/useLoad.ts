import { ref, type Ref } from 'vue'
import { i18n } from '../i18n'

/**
 * A screen's data and how its load went: `loading` while fetching,
 * `error` in words when it failed (never an empty list that looks like an
 * all-clear), `load()` to fetch again.
 */
export function useLoad<T>(fetch: () => Promise<T>, initial: T): { data: Ref<T>; error: Ref<string>; loading: Ref<boolean>; load: () => Promise<void> } {
  const data = ref(initial) as Ref<T>
  const error = ref('')
  const loading = ref(true)
  async function load() {
    loading.value = true
    try {
      data.value = await fetch()
      error.value = ''
    } catch (e) {
      error.value = (e as Error).message || i18n.global.t('loadFailed')
    } finally {
      loading.value = false
    }
  }
  return { data, error, loading, load }
}
