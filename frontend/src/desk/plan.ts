// 一键派单: the plan as a table, and after applying, how each previewed row
// went. The server plans again when applying (`dry_run: false`), so a row
// previewed may have changed meanwhile: dispatched by someone else, or sent
// to another member. Each row of the preview gets its outcome: `ok`,
// `failed` (the server's `applied[]` says why), `moved` (went to another
// member than previewed) or `dropped` (not in the applied plan: something
// changed since the preview); rows the new plan added are listed too.

export interface PlanMember { user_id: number; name: string; grid_id?: number | null }
export interface PlanLine { request_id: number; title?: string; member: PlanMember; score: number }
export interface Unassigned { request_id: number; title?: string; reason: string; message?: string }
export interface Applied { request_id: number; member_id?: number; ok: boolean; code?: string | null; message?: string | null }
export interface AutoPlan {
  requests: number
  assigned: number
  total_score: number
  greedy_total_score: number
  plan: PlanLine[]
  unassigned: Unassigned[]
  applied?: Applied[]
}

export type Outcome = 'ok' | 'failed' | 'moved' | 'dropped' | 'added'
export interface Row {
  requestId: number
  title: string
  member: PlanMember
  score: number
  /** null before applying. */
  outcome: Outcome | null
  /** The server's words for a failure. */
  message: string
  /** `moved`: who it went to instead. */
  movedTo: PlanMember | null
}

const key = (l: PlanLine) => `${l.request_id}:${l.member.user_id}`

/** The preview's rows, no outcome yet. */
export function planRows(p: AutoPlan): Row[] {
  return p.plan.map((l) => ({ requestId: l.request_id, title: l.title ?? '', member: l.member, score: l.score, outcome: null, message: '', movedTo: null }))
}

/** The preview's rows with how applying went, then the rows only the applied plan had. */
export function reconcile(preview: AutoPlan, done: AutoPlan): Row[] {
  const outcome = new Map((done.applied ?? []).map((a) => [a.request_id, a]))
  const donePlan = new Map(done.plan.map((l) => [l.request_id, l]))
  const rows: Row[] = preview.plan.map((l) => {
    const base = { requestId: l.request_id, title: l.title ?? '', member: l.member, score: l.score, message: '', movedTo: null }
    const now = donePlan.get(l.request_id)
    if (!now) return { ...base, outcome: 'dropped' as const }
    const a = outcome.get(l.request_id)
    if (a && !a.ok) return { ...base, outcome: 'failed' as const, message: a.message ?? a.code ?? '' }
    if (now.member.user_id !== l.member.user_id) return { ...base, outcome: 'moved' as const, movedTo: now.member }
    return { ...base, outcome: 'ok' as const }
  })
  const seen = new Set(preview.plan.map((l) => l.request_id))
  for (const l of done.plan) {
    if (seen.has(l.request_id)) continue
    const a = outcome.get(l.request_id)
    rows.push({
      requestId: l.request_id, title: l.title ?? '', member: l.member, score: l.score,
      outcome: a && !a.ok ? 'failed' : 'added', message: a && !a.ok ? (a.message ?? a.code ?? '') : '', movedTo: null,
    })
  }
  return rows
}

/** Dispatched vs not, over the rows after applying. */
export function summary(rows: Row[]): { ok: number; failed: number } {
  const ok = rows.filter((r) => r.outcome === 'ok' || r.outcome === 'moved' || r.outcome === 'added').length
  return { ok, failed: rows.filter((r) => r.outcome === 'failed' || r.outcome === 'dropped').length }
}

export { key as lineKey }
