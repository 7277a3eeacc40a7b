import { isPhone } from '../forms'

// 网格员代下单: the request body for a resident named by phone (a new one
// by phone and name), and what is missing before it can be sent.

export interface GridOrderForm {
  phone: string
  name: string
  category: string
  title: string
  description: string
  address: string
  /** 来源: proxy (代办), phone (电话), walk_in (上门). */
  source: 'proxy' | 'phone' | 'walk_in'
  grid_id: number | null
  urgent: boolean
}

export function emptyOrder(grid: number | null = null): GridOrderForm {
  return { phone: '', name: '', category: '', title: '', description: '', address: '', source: 'walk_in', grid_id: grid, urgent: false }
}

/** Digits only: what people type into a phone field (spaces, dashes) is not part of the number. */
export function phoneDigits(text: string): string {
  return text.replace(/\D/g, '')
}

export function orderBody(f: GridOrderForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    resident_phone: phoneDigits(f.phone),
    category: f.category,
    title: f.title.trim(),
    address: f.address.trim(),
    source: f.source,
    urgency: f.urgent ? 'urgent' : 'normal',
  }
  if (f.name.trim()) body.resident_name = f.name.trim()
  if (f.description.trim()) body.description = f.description.trim()
  if (f.grid_id != null) body.grid_id = f.grid_id
  return body
}

/** What is missing, by field name (checked on the phone before sending). */
export function missing(f: GridOrderForm): (keyof GridOrderForm)[] {
  const out: (keyof GridOrderForm)[] = []
  if (!isPhone(phoneDigits(f.phone))) out.push('phone')
  if (!f.category) out.push('category')
  if (!f.title.trim()) out.push('title')
  if (!f.address.trim()) out.push('address')
  return out
}
