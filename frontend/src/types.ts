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
  /** The requester disputes the completion (争议); an admin rules first. */
  disputed: boolean
  /** Merged into this request (已合并). */
  merged_into: number | null
  /** To admins: the earlier request it looked like when posted (疑似重复). */
  similar_to: number | null
  /** The caller follows it (关注). */
  following: boolean
  /** 签到 / 签退 of the current visit (single view). */
  check_in?: CheckIn
  /** An occurrence of a recurring service (周期服务). */
  occurrence: { series_id: number; on: string } | null
  /** The resident's one-time code for the next step (requester only). */
  visit_code?: { kind: 'in' | 'out'; code: string }
  /** 来源: app, proxy (代下单), phone, walk_in, hotline (12345), open311. */
  source: string
  source_label: string
  /** 代下单: who entered it for the resident (a grid worker, an admin). */
  entered_by?: { id: number; name: string } | null
  /** To admins: its number where it came from (a 12345 工单编号). */
  external_ref?: string | null
  /** What the caller may do now (the server's state machine). */
  allowed_actions: string[]
}
export interface Page<T> { items: T[]; next_cursor: number | null }
export interface Event {
  id: number; action: string; to_label: string; actor: Person; note: string | null; at: string
  /** The note's own words (system) and what a person wrote (a reason), apart. */
  note_label?: string | null; note_text?: string | null
}
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
/** 争议与申诉: a dispute of a completion, an appeal of a rating or a deduction. */
export interface Appeal {
  id: number
  kind: 'completion' | 'rating' | 'deduction'
  kind_label: string
  status: 'open' | 'upheld' | 'overturned' | 'partial'
  status_label: string
  request: { id: number; title: string; reported_hours: number | null } | null
  entry: { id: number; points: number; reason: string | null; created_at: string } | null
  stars: number | null
  appellant: Person
  respondent: Person | null
  reason: string
  ruling: { hours: number | null; stars: number | null; points: number | null; reason: string | null; by: Person | null; at: string | null }
  created_at: string
  can_rule: boolean
}
/** One row of a member's points ledger. */
export interface PointsEntry {
  id: number
  kind: string
  points: number
  request_id: number | null
  occurred_on: string
  reason: string | null
  actor_name: string
  created_at: string
}
/** A request neighbours reported lately that looks like a draft (邻居已反映过类似问题). */
export interface Similar { id: number; title: string; status: string; status_label: string; created_at: string; likeness: number }
export interface VisitStep { method: 'code' | 'position' | 'admin' | 'none'; method_label: string; at: string; distance_m: number | null; confirmed_by_admin: boolean }
export interface CheckIn { check_in: VisitStep | null; check_out: VisitStep | null; on_site_minutes: number | null; reported_minutes: number | null; hours_flagged: boolean }
/** 周期服务 / 结对帮扶: a recurring need and its pair. */
export interface Series {
  id: number
  resident: Person
  member: Person | null
  category: { code: string; name: string }
  title: string
  description: string
  address: string
  pattern: 'weekly' | 'biweekly' | 'monthly'
  weekday: number | null
  day_of_month: number | null
  time: string
  schedule_label: string
  starts_on: string
  ends_on: string | null
  status: 'active' | 'paused' | 'ended'
  status_label: string
  version: number
  next_on: string | null
  history: { done: number; missed: number; upcoming: number }
  occurrences?: { request_id: number; on: string; status: string; status_label: string; assignee: Person | null }[]
  can_manage: boolean
}
