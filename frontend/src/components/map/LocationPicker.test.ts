import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import Vant from 'vant'
import { i18n } from '../../i18n'
import LocationPicker from './LocationPicker.vue'

// The map itself is Leaflet's; a stand-in LMap lets the test "tap" it.
vi.mock('@vue-leaflet/vue-leaflet', async () => {
  const { defineComponent, h } = await import('vue')
  const LMap = defineComponent({ emits: ['click'], setup: (_, { emit, slots }) => () => h('div', { class: 'fake-map', onClick: () => emit('click', { latlng: { lat: 30.12345678, lng: 120.87654321 } }) }, slots.default?.()) })
  const Empty = defineComponent({ setup: () => () => null })
  return { LMap, LTileLayer: Empty, LCircleMarker: Empty }
})
const stubs = {}

describe('LocationPicker', () => {
  it('places the pin where the map is tapped (rounded)', async () => {
    const w = mount(LocationPicker, { props: { modelValue: null }, global: { plugins: [Vant, i18n], stubs } })
    await w.find('.fake-map').trigger('click')
    expect(w.emitted('update:modelValue')![0]).toEqual([{ lat: 30.123457, lng: 120.876543 }])
  })
  it('uses the device position, or says why not', async () => {
    const geo = { getCurrentPosition: (ok: (p: unknown) => void) => ok({ coords: { latitude: 30.2752, longitude: 120.1563 } }) }
    Object.defineProperty(navigator, 'geolocation', { value: geo, configurable: true })
    const w = mount(LocationPicker, { props: { modelValue: null }, global: { plugins: [Vant, i18n], stubs } })
    await w.find('[data-testid=use-my-position]').trigger('click')
    await flushPromises()
    expect(w.emitted('update:modelValue')![0]).toEqual([{ lat: 30.2752, lng: 120.1563 }])

    Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition: (_: unknown, fail: (e: unknown) => void) => fail({ code: 1 }) }, configurable: true })
    await w.find('[data-testid=use-my-position]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid=location-value]').text()).toBe('没有定位权限，请在地图上点一下')
  })
  it('shows the chosen place and clears it', async () => {
    const w = mount(LocationPicker, { props: { modelValue: { lat: 30.2752, lng: 120.1563 } }, global: { plugins: [Vant, i18n], stubs } })
    expect(w.find('[data-testid=location-value]').text()).toBe('已标出位置：30.27520, 120.15630')
    await w.find('[data-testid=clear-location]').trigger('click')
    expect(w.emitted('update:modelValue')![0]).toEqual([null])
  })
})
