import { onBeforeUnmount, ref, type Ref } from 'vue'

/** Whether the window is desk-wide (≥ 1024 px by default), kept up to date. */
export function useWide(min = 1024): Ref<boolean> {
  const query = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(`(min-width: ${min}px)`) : null
  const wide = ref(query ? query.matches : false)
  const onChange = (e: MediaQueryListEvent) => (wide.value = e.matches)
  query?.addEventListener?.('change', onChange)
  onBeforeUnmount(() => query?.removeEventListener?.('change', onChange))
  return wide
}
