// Vant's picker columns render `<ul>` whose items are `<li role="button">`,
// which screen readers and axe-core read as a broken list. This directive
// marks such lists as presentational inside the element it is put on, now
// and whenever the content changes (tabs render their pickers lazily).
import type { Directive } from 'vue'

function patch(root: Element) {
  root.querySelectorAll('.van-picker-column > ul:not([role])').forEach((ul) => ul.setAttribute('role', 'presentation'))
}

const observers = new WeakMap<Element, MutationObserver>()

export const vPlainLists: Directive<Element> = {
  mounted(el) {
    patch(el)
    const o = new MutationObserver(() => patch(el))
    o.observe(el, { childList: true, subtree: true })
    observers.set(el, o)
  },
  unmounted(el) {
    observers.get(el)?.disconnect()
    observers.delete(el)
  },
}
