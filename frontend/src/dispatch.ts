// 一键派单: the plan the server proposes and how applying it went, row by row.
import { i18n } from './i18n'

export interface PlanRow { request_id: number; title?: string; member: { user_id?: number; name: string }; score: number }
export interface Plan { requests: number; assigned: number; total_score: number; greedy_total_score: number; plan: PlanRow[] }
/** One request of an applied plan: `ok`, or why not (the server's words). */
export interface Applied { request_id: number; member_id?: number; ok: boolean; code?: string; message?: string; title?: string; member_name?: string }

/**
 * Each applied row with its title and member (from the answer's plan, or
 * the preview), a message for failures (the server's, else a plain word —
 * never a code), and the counts for "已派 N 单，M 单未成功".
 */
export function applySummary(done: { plan?: PlanRow[]; applied?: Applied[] }, preview: Plan | null): { rows: Applied[]; ok: number; failed: number } {
  const known = new Map<number, PlanRow>()
  for (const p of preview?.plan ?? []) known.set(p.request_id, p)
  for (const p of done.plan ?? []) known.set(p.request_id, p)
  const rows = (done.applied ?? []).map((a) => {
    const p = known.get(a.request_id)
    return {
      ...a,
      title: a.title ?? p?.title,
      member_name: a.member_name ?? p?.member.name,
      message: a.ok ? a.message : a.message || i18n.global.t('fix.dispatchFailed'),
    }
  })
  const ok = rows.filter((r) => r.ok).length
  return { rows, ok, failed: rows.length - ok }
}
