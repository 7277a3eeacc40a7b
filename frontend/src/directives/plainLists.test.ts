import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref, withDirectives } from 'vue'
import { mount } from '@vue/test-utils'
import { vPlainLists } from './plainLists'

describe('v-plain-lists', () => {
  it('marks picker lists presentational, also those rendered later', async () => {
    const more = ref(false)
    const C = defineComponent({
      setup: () => () =>
        withDirectives(
          h('div', [
            h('div', { class: 'van-picker-column' }, [h('ul', [h('li', { role: 'button' }, 'x')])]),
            more.value ? h('div', { class: 'van-picker-column' }, [h('ul', { id: 'later' }, [h('li', { role: 'button' }, 'y')])]) : null,
            h('ul', { id: 'other' }, [h('li', 'z')]),
          ]),
          [[vPlainLists]],
        ),
    })
    const w = mount(C, { attachTo: document.body })
    expect(w.find('.van-picker-column ul').attributes('role')).toBe('presentation')
    more.value = true
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
    expect(w.find('#later').attributes('role')).toBe('presentation')
    expect(w.find('#other').attributes('role')).toBeUndefined()
    w.unmount()
  })
})
