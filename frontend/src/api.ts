// The one way the UI talks to the server: JSON over /api/v1, the session
// token in the Authorization header, and the server's own words on error.

export interface FieldProblem {
  field: string
  code: string
  message: string
}

/** An error the API answered with: `message` is for people (Chinese by default). */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public fields: FieldProblem[] = [],
  ) {
    super(message)
  }
}

let token: string | null = null
let lang = 'zh'

export function setToken(t: string | null): void {
  token = t
}

export function setLanguage(l: string): void {
  lang = l
}

function headers(json: boolean): Record<string, string> {
  const h: Record<string, string> = { 'Accept-Language': lang }
  if (json) h['Content-Type'] = 'application/json'
  if (token) h.Authorization = `Bearer ${token}`
  return h
}

/** Turns a failed response into an ApiError with the server's message. */
export async function toError(resp: Response): Promise<ApiError> {
  try {
    const body = await resp.json()
    if (body && typeof body.message === 'string') {
      return new ApiError(resp.status, body.code ?? 'unknown', body.message, body.fields ?? [])
    }
  } catch {
    // not JSON
  }
  return new ApiError(resp.status, 'unknown', fallbackMessage(resp.status))
}

/** Words for a failure the server did not explain (a proxy's 502, a bare 503). */
export function fallbackMessage(status: number): string {
  const en = lang === 'en'
  if (status === 502 || status === 503 || status === 504)
    return en ? 'The service is unavailable just now; please try again shortly' : '服务暂时不可用，请稍后重试'
  if (status >= 500) return en ? 'Something went wrong on the server; please try again shortly' : '服务器出错了，请稍后重试'
  return en ? `Request failed (${status})` : `请求失败（${status}）`
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let resp: Response
  try {
    resp = await fetch(`/api/v1${path}`, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network', lang === 'en' ? 'Network error, please retry' : '网络连接失败，请稍后重试')
  }
  if (!resp.ok) throw await toError(resp)
  if (resp.status === 204) return undefined as T
  return (await resp.json()) as T
}

export const get = <T>(path: string) => api<T>('GET', path)
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body)
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body)

/** Downloads a file (PDF, xlsx) the API serves to signed-in users. */
export async function download(path: string, filename: string): Promise<void> {
  const resp = await fetch(`/api/v1${path}`, { headers: headers(false) })
  if (!resp.ok) throw await toError(resp)
  const url = URL.createObjectURL(await resp.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  URL.revokeObjectURL(url)
}

/** Hours with at most one decimal: 90 minutes → "1.5". */
export function hours(minutes: number): string {
  const h = Math.round((minutes / 60) * 10) / 10
  return Number.isInteger(h) ? String(h) : h.toFixed(1)
}

/** Sends raw bytes (a photo) with their content type; answers the JSON reply. */
export async function postBytes<T>(path: string, body: Blob, contentType: string): Promise<T> {
  let resp: Response
  try {
    resp = await fetch(`/api/v1${path}`, { method: 'POST', headers: { ...headers(false), 'Content-Type': contentType }, body })
  } catch {
    throw new ApiError(0, 'network', lang === 'en' ? 'Network error, please retry' : '网络连接失败，请稍后重试')
  }
  if (!resp.ok) throw await toError(resp)
  return (await resp.json()) as T
}
