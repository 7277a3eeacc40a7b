import { describe, expect, it } from 'vitest'
import { fixVantA11y } from './a11y'

describe('fixVantA11y', () => {
  it('names rate stars and drops pointers to tab panels that do not exist', () => {
    document.body.innerHTML = `
      <div role="radiogroup"><div class="van-rate__item" role="radio" aria-posinset="1"></div><div class="van-rate__item" role="radio" aria-posinset="2"></div></div>
      <div role="tab" id="t-0" aria-controls="missing"></div>
      <div role="tab" id="t-1" aria-controls="panel"></div><div id="panel" role="tabpanel"></div>`
    fixVantA11y(document)
    const stars = [...document.querySelectorAll('[role=radio]')].map((e) => e.getAttribute('aria-label'))
    expect(stars).toEqual(['1 星', '2 星'])
    expect(document.getElementById('t-0')!.hasAttribute('aria-controls')).toBe(false)
    expect(document.getElementById('t-1')!.getAttribute('aria-controls')).toBe('panel')
  })
  it('turns toasts into status messages and names dialogs by their title', () => {
    document.body.innerHTML = `
      <div id="toast" class="van-popup van-toast" role="dialog"></div>
      <div id="dialog" class="van-popup van-dialog" role="dialog" aria-labelledby="确定取消？"><div class="van-dialog__header">取消需求</div></div>
      <div id="sheet" class="van-popup" role="dialog"><div></div></div>`
    fixVantA11y(document)
    expect(document.getElementById('toast')!.getAttribute('role')).toBe('status')
    const dialog = document.getElementById('dialog')!
    expect(dialog.hasAttribute('aria-labelledby')).toBe(false)
    expect(dialog.getAttribute('aria-label')).toBe('取消需求')
    expect(document.getElementById('sheet')!.getAttribute('aria-label')).toBe('对话框')
  })
})
