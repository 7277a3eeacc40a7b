import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, hours, setLanguage, setToken, toError } from './api'

afterEach(() => {
  vi.unstubAllGlobals()
  setToken(null)
  setLanguage('zh')
})

describe('api', () => {
  it('uses the server message and code on errors', async () => {
    const resp = new Response(JSON.stringify({ code: 'request.already_taken', message: '该需求已被他人接单' }), { status: 409 })
    const e = await toError(resp)
    expect(e).toBeInstanceOf(ApiError)
    expect([e.status, e.code, e.message]).toEqual([409, 'request.already_taken', '该需求已被他人接单'])
  })

  it('falls back to a readable message when the body is not JSON', async () => {
    const e = await toError(new Response('<html>bad gateway</html>', { status: 502 }))
    expect(e.message).toBe('服务暂时不可用，请稍后重试')
    expect((await toError(new Response('', { status: 500 }))).message).toBe('服务器出错了，请稍后重试')
    expect((await toError(new Response('', { status: 418 }))).message).toBe('请求失败（418）')
    setLanguage('en')
    expect((await toError(new Response('', { status: 503 }))).message).toBe('The service is unavailable just now; please try again shortly')
    expect((await toError(new Response('', { status: 404 }))).message).toBe('Request failed (404)')
  })

  it('sends the token, the language and JSON', async () => {
    const fetch = vi.fn().mockResolvedValue(new Response(JSON.stringify({ ok: 1 }), { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    setToken('t0k')
    setLanguage('en')
    expect(await api('POST', '/requests', { title: 'x' })).toEqual({ ok: 1 })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/requests')
    expect(init.headers).toMatchObject({ Authorization: 'Bearer t0k', 'Accept-Language': 'en', 'Content-Type': 'application/json' })
    expect(init.body).toBe('{"title":"x"}')
  })

  it('says so when the network is down', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('failed')))
    await expect(api('GET', '/me')).rejects.toMatchObject({ code: 'network', message: '网络连接失败，请稍后重试' })
  })

  it('formats hours', () => {
    expect([hours(90), hours(60), hours(5)]).toEqual(['1.5', '1', '0.1'])
  })
})
