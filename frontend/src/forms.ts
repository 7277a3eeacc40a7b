// Errors people understand, for every form: checks on the device with the
// form's own labels (Vant field `rules`), and the server's 422 `fields[]`
// shown under the field it is about (van-field `error-message`) — never a
// toast like "password: 长度须在…".
import { ref } from 'vue'
import { showFailToast, type FieldRule } from 'vant'
import { ApiError } from './api'
import { i18n } from './i18n'

const t = (key: string, named: Record<string, unknown> = {}) => i18n.global.t(key, named)

/**
 * The server's field problems keyed by field: the first message for each.
 * A nested path (`rule.points_per_hour`, `items.0.name`) is also filed under
 * its last named part, so a form binds `errors.points_per_hour`.
 */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(e instanceof ApiError)) return out
  for (const f of e.fields ?? []) {
    if (!f || typeof f.field !== 'string') continue
    const message = f.message || e.message
    if (!(f.field in out)) out[f.field] = message
    const last = f.field.split('.').filter((p) => p && !/^\d+$/.test(p)).pop()
    if (last && !(last in out)) out[last] = message
  }
  return out
}

/**
 * What is left to say in a toast after a failed submit, when the form shows
 * the fields in `shown` under themselves: nothing if every problem is shown
 * there; the problems of other fields (their own messages, no codes); the
 * server's message when it named no field; a word for anything else.
 */
export function leftover(e: unknown, shown: string[]): string {
  if (!(e instanceof ApiError)) return (e as Error)?.message || t('fix.loadFailed')
  const fields = e.fields ?? []
  if (!fields.length) return e.message
  const rest: string[] = []
  for (const f of fields) {
    const parts = f.field.split('.').filter((p) => p && !/^\d+$/.test(p))
    const isShown = shown.includes(f.field) || parts.some((p) => shown.includes(p))
    if (!isShown && f.message && !rest.includes(f.message)) rest.push(f.message)
  }
  return rest.join('；')
}

/**
 * A form's server-side problems: `errors.value[field]` for `error-message`,
 * `fail(e)` after a failed submit (fills them, toasts only what no field
 * shows), `clear()` before the next try.
 */
export function useFieldErrors(shown: string[]) {
  const errors = ref<Record<string, string>>({})
  function fail(e: unknown) {
    errors.value = fieldErrors(e)
    const rest = leftover(e, shown)
    if (rest) showFailToast(rest)
  }
  function clear(field?: string) {
    if (field) {
      const { [field]: _, ...rest } = errors.value
      errors.value = rest
    } else errors.value = {}
  }
  return { errors, fail, clear }
}

// ---- checks on the device ----

/** An 11-digit mainland mobile number (the server's rule). */
export const isPhone = (v: string) => /^1[3-9]\d{9}$/.test(String(v ?? '').trim())
export const isEmail = (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v ?? '').trim())

/** A whole number within [min, max], given as typed text; null when it is not one. */
export function intIn(v: unknown, min: number, max: number): number | null {
  const s = String(v ?? '').trim()
  if (!/^-?\d+$/.test(s)) return null
  const n = Number(s)
  return n >= min && n <= max ? n : null
}

/** Hours of service: more than 0, at most 24; null when not a number in that range. */
export function hoursIn(v: unknown): number | null {
  const s = String(v ?? '').trim()
  if (!/^\d+(\.\d+)?$/.test(s)) return null
  const n = Number(s)
  return n > 0 && n <= 24 ? n : null
}

/** Star thresholds typed as "100, 300, 600": rising positive numbers ≤ 10000, or null. */
export function parseThresholds(v: string): number[] | null {
  const parts = String(v ?? '').split(/[,，、\s]+/).filter(Boolean)
  if (!parts.length) return null
  const out: number[] = []
  for (const p of parts) {
    if (!/^\d+(\.\d+)?$/.test(p)) return null
    const n = Number(p)
    if (n <= 0 || n > 10000 || (out.length && n <= out[out.length - 1])) return null
    out.push(n)
  }
  return out
}

/** Vant field rules with the form's own label in the message (texts follow the UI language). */
export const rules = {
  required: (label: () => string): FieldRule[] => [{ required: true, message: () => t('fix.required', { label: label() }) }],
  choose: (label: () => string): FieldRule[] => [{ required: true, message: () => t('fix.choose', { label: label() }) }],
  length: (label: () => string, min: number, max: number): FieldRule[] => [
    ...(min > 0 ? [{ required: true, message: () => t('fix.required', { label: label() }) }] : []),
    {
      validateEmpty: false,
      validator: (v: string) => {
        const n = [...String(v ?? '').trim()].length
        return (n >= min && n <= max) || t(min > 0 ? 'fix.length' : 'fix.maxLength', { label: label(), min, max })
      },
    },
  ],
  phone: (label: () => string): FieldRule[] => [
    { required: true, message: () => t('fix.required', { label: label() }) },
    { validateEmpty: false, validator: (v: string) => isPhone(v) || t('fix.phone') },
  ],
  email: (): FieldRule[] => [{ validateEmpty: false, validator: (v: string) => isEmail(v) || t('fix.email') }],
  hours: (label: () => string): FieldRule[] => [
    { required: true, message: () => t('fix.required', { label: label() }) },
    { validator: (v: string) => hoursIn(v) !== null || t('fix.hoursRange', { label: label() }) },
  ],
  int: (label: () => string, min: number, max: number, optional = false): FieldRule[] => [
    ...(optional ? [] : [{ required: true, message: () => t('fix.required', { label: label() }) }]),
    { validateEmpty: !optional, validator: (v: string) => intIn(v, min, max) !== null || t('fix.intRange', { label: label(), min, max }) },
  ],
  thresholds: (label: () => string): FieldRule[] => [
    { required: true, message: () => t('fix.required', { label: label() }) },
    { validator: (v: string) => parseThresholds(v) !== null || t('fix.thresholds', { label: label() }) },
  ],
}
