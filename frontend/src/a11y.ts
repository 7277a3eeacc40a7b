// What Vant leaves out for assistive technology, filled in wherever its
// components are used (axe-core finds these on every screen otherwise):
// - a star of `van-rate` is a radio with no name: named "3 stars";
// - a `van-tab` with no content of its own (a filter bar) points
//   `aria-controls` at a panel Vant never renders: that pointer goes;
// - every `van-popup` is a dialog, toasts and notices too, and none has a
//   name (a Vant dialog's `aria-labelledby` holds its title's text, not an
//   id): toasts and notices become status messages, other dialogs are
//   named by their title or first line.
import { i18n } from './i18n'

export function fixVantA11y(root: ParentNode): void {
  const t = i18n.global.t
  root.querySelectorAll<HTMLElement>('.van-rate__item[role=radio]').forEach((el) => {
    const n = Number(el.getAttribute('aria-posinset') ?? '0')
    const name = t('starsN', { n })
    if (el.getAttribute('aria-label') !== name) el.setAttribute('aria-label', name)
  })
  root.querySelectorAll<HTMLElement>('.van-popup[role=dialog]').forEach((el) => {
    const by = el.getAttribute('aria-labelledby')
    if (by && !by.split(/\s+/).every((id) => document.getElementById(id))) el.removeAttribute('aria-labelledby')
    if (el.matches('.van-toast, .van-notify')) {
      el.setAttribute('role', 'status')
      return
    }
    if (el.hasAttribute('aria-labelledby')) return
    const head = el.querySelector('.van-dialog__header, .page-title, h1, h2, h3, p, .van-dialog__message')
    const name = head?.textContent?.trim() || t('english.dialog')
    if (el.getAttribute('aria-label') !== name) el.setAttribute('aria-label', name)
  })
  root.querySelectorAll<HTMLElement>('[role=tab][aria-controls]').forEach((el) => {
    const id = el.getAttribute('aria-controls')
    if (id && !document.getElementById(id)) el.removeAttribute('aria-controls')
  })
}

/** Keeps `root` fixed as screens render (and the language changes). */
export function watchVantA11y(root: HTMLElement): MutationObserver {
  let queued = false
  const run = () => {
    queued = false
    fixVantA11y(root)
  }
  const observer = new MutationObserver(() => {
    if (!queued) {
      queued = true
      queueMicrotask(run)
    }
  })
  observer.observe(root, { childList: true, subtree: true, characterData: true })
  run()
  return observer
}
