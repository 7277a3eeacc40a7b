// POST /members/import and /work-orders/import take the sheet itself (CSV
// text, or an .xlsx), not JSON; POST /sheets/csv reads a workbook for the
// import screens' box.
import { ApiError, toError } from '../api'
import { i18n } from '../i18n'
import { useSession } from '../stores/session'
import type { ImportReport } from './csv'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Posts a raw body of `type` to `path` and reads the JSON answer. */
async function upload<T>(path: string, type: string, body: BodyInit): Promise<T> {
  const lang = i18n.global.locale.value
  const headers: Record<string, string> = { 'Content-Type': type, 'Accept-Language': lang }
  const token = useSession().token
  if (token) headers.Authorization = `Bearer ${token}`
  let resp: Response
  try {
    resp = await fetch(`/api/v1${path}`, { method: 'POST', headers, body })
  } catch {
    throw new ApiError(0, 'network', lang === 'en' ? 'Network error, please retry' : '网络连接失败，请稍后重试')
  }
  if (!resp.ok) throw await toError(resp)
  return (await resp.json()) as T
}

export function importCsv<T = ImportReport>(text: string, communityId: number | null, path = '/members/import'): Promise<T> {
  return upload<T>(`${path}${communityId !== null ? `?community_id=${communityId}` : ''}`, 'text/csv; charset=utf-8', text)
}

/** An .xlsx's first sheet as CSV text (POST /sheets/csv), for the import screens' box. */
export async function sheetText(file: Blob): Promise<string> {
  return (await upload<{ text: string }>('/sheets/csv', XLSX, file)).text
}
