// 代下单: finding the resident. `GET /users` has no text search (role,
// grid and community only), so the desk reads the residents in scope page
// by page and matches here: digits match the phone, anything else the name.

export interface Resident { id: number; name: string; phone: string; community_id: number; grid_id: number | null }

export function matchResidents(all: Resident[], text: string, max = 20): Resident[] {
  const q = text.trim().replace(/\s+/g, '')
  if (!q) return []
  const digits = /^\d+$/.test(q)
  const hits = all.filter((r) => (digits ? r.phone.replace(/\D/g, '').includes(q) : r.name.includes(q)))
  // Exact matches first (the whole phone, the whole name), then by name.
  const exact = (r: Resident) => (digits ? r.phone === q : r.name === q)
  return hits.sort((a, b) => Number(exact(b)) - Number(exact(a)) || a.name.localeCompare(b.name, 'zh')).slice(0, max)
}

/** The request body for a resident, dropping what is empty. */
export interface OrderForm { category: string; title: string; description: string; address: string; contact_phone: string; preferred_time: string; urgent: boolean }
export function orderBody(resident: Resident, f: OrderForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    resident_id: resident.id,
    category: f.category,
    title: f.title.trim(),
    address: f.address.trim(),
    urgency: f.urgent ? 'urgent' : 'normal',
  }
  if (f.description.trim()) body.description = f.description.trim()
  if (f.contact_phone.trim()) body.contact_phone = f.contact_phone.trim()
  if (f.preferred_time) body.preferred_time = new Date(f.preferred_time).toISOString()
  if (resident.grid_id != null) body.grid_id = resident.grid_id
  return body
}

/** What is missing, by field name (checked on the device before sending). */
export function missing(f: OrderForm): (keyof OrderForm)[] {
  const out: (keyof OrderForm)[] = []
  if (!f.category) out.push('category')
  if (!f.title.trim()) out.push('title')
  if (!f.address.trim()) out.push('address')
  return out
}
