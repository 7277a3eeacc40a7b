// POST /members/import and /work-orders/import take the CSV itself (text/csv), not JSON.
import { ApiError, toError } from '../api'
import { i18n } from '../i18n'
import { useSession } from '../stores/session'
import type { ImportReport } from './csv'

export async function importCsv<T = ImportReport>(text: string, communityId: number | null, path = '/members/import'): Promise<T> {
  const lang = i18n.global.locale.value
  const headers: Record<string, string> = { 'Content-Type': 'text/csv; charset=utf-8', 'Accept-Language': lang }
  const token = useSession().token
  if (token) headers.Authorization = `Bearer ${token}`
  let resp: Response
  try {
    resp = await fetch(`/api/v1${path}${communityId !== null ? `?community_id=${communityId}` : ''}`, { method: 'POST', headers, body: text })
  } catch {
    throw new ApiError(0, 'network', lang === 'en' ? 'Network error, please retry' : '网络连接失败，请稍后重试')
  }
  if (!resp.ok) throw await toError(resp)
  return (await resp.json()) as T
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** An .xlsx's first sheet as CSV text (POST /sheets/csv), for the import screens' box. */
export async function sheetText(file: Blob): Promise<string> {
  const lang = i18n.global.locale.value
  const headers: Record<string, string> = { 'Content-Type': XLSX, 'Accept-Language': lang }
  const token = useSession().token
  if (token) headers.Authorization = `Bearer ${token}`
  let resp: Response
  try {
    resp = await fetch('/api/v1/sheets/csv', { method: 'POST', headers, body: file })
  } catch {
    throw new ApiError(0, 'network', lang === 'en' ? 'Network error, please retry' : '网络连接失败，请稍后重试')
  }
  if (!resp.ok) throw await toError(resp)
  return ((await resp.json()) as { text: string }).text
}
