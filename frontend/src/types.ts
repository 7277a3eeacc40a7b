export interface Person { id: number; name: string; phone?: string }
export interface Request {
  id: number
  community_id: number
  category: { code: string; name: string; qualification?: QualificationRef | null }
  title: string
  description: string
  address: string
  resident: Person
  contact_phone: string
  status: string
  status_label: string
  assignee: Person | null
  preferred_time: string | null
  urgency: string
  due_at: string | null
  hours: number | null
  summary: string | null
  rating: number | null
  review_comment: string | null
  created_at: string
  closed_at: string | null
  /** What the caller may do now (the server's state machine). */
  allowed_actions: string[]
}
export interface Page<T> { items: T[]; next_cursor: number | null }
export interface Event { id: number; action: string; to_label: string; actor: Person; note: string | null; at: string }
export interface Category { code: string; name: string; group: string; qualification?: QualificationRef | null }
/** A qualification kind (资质类别), named in the reader's language. */
export interface QualificationRef { code: string; name: string }
export interface QualificationKind { code: string; name: string; expires: boolean; categories: { code: string; name: string }[] }
export interface Qualification {
  id: number
  member: Person
  kind: string
  kind_name: string
  number: string
  issuer: string
  expires_on: string | null
  note: string | null
  status: 'pending' | 'verified' | 'rejected'
  status_label: string
  reject_reason: string | null
  valid: boolean
  expired: boolean
  days_left: number | null
  expiring_soon: boolean
}
