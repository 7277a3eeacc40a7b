export interface Person { id: number; name: string; phone?: string }
export interface Request {
  id: number
  community_id: number
  category: { code: string; name: string }
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
export interface Category { code: string; name: string; group: string }
