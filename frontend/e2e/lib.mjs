// Shared pieces of the end-to-end flows: a real `linli serve --demo` on a
// temporary database, Debian's chromium through playwright-core, sign-in,
// screenshots, API calls, axe-core and the "no Chinese left in English mode"
// check. Each flow file in e2e/flows/ starts its own server with `boot()`.
import { chromium } from 'playwright-core'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import net from 'node:net'

const require = createRequire(import.meta.url)

// The people who use Linli are in China: the flows' own dates (Node) and
// every browser context run on Beijing time, as the server's communities do
// (utc_offset +08:00). On a UTC machine after 16:00 the dates differ by a
// day otherwise, and a calendar opening on "today" picks yesterday.
export const TIMEZONE = 'Asia/Shanghai'
process.env.TZ = TIMEZONE
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const artifacts = resolve('e2e/artifacts')
export const phone = { viewport: { width: 360, height: 780 }, locale: 'zh-CN' }
export const desk = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN' }
/** Demo accounts (password `linli-demo`). */
export const demo = {
  admin: '13900000000',
  resident: '13900000001',
  陈志强: '13900000011',
  赵敏: '13900000012',
  孙伟: '13900000013',
  周丽: '13900000031',
}

async function freePort() {
  return new Promise((ok) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => ok(p))
    })
  })
}

/** Start a demo server and a browser; returns helpers and `close()`. */
export async function boot(env = {}) {
  const bin = process.env.LINLI_BIN
  if (!bin || !existsSync(bin)) throw new Error(`set LINLI_BIN to a built linli binary (got ${bin})`)
  const dist = resolve('dist')
  if (!existsSync(join(dist, 'index.html'))) throw new Error('build the UI first: npm run build')
  const chromiumPath = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync)
  if (!chromiumPath) throw new Error('no chromium: apt-get install chromium')
  mkdirSync(artifacts, { recursive: true })
  const port = await freePort()
  const data = mkdtempSync(join(tmpdir(), 'linli-e2e-'))
  const base = `http://127.0.0.1:${port}`
  const server = spawn(bin, ['serve', '--demo', '--port', String(port)], {
    env: {
      ...process.env,
      LINLI_DATA_DIR: data,
      LINLI_FRONTEND_DIR: dist,
      LINLI_ARGON2_MEMORY_KIB: '1024',
      LINLI_ARGON2_ITERATIONS: '1',
      LINLI_ADMIN_PASSWORD: 'admin-pass-123',
      LINLI_LOG: 'warn',
      DATABASE_URL: '',
      REDIS_URL: '',
      SMTP_URL: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break
    } catch {
      // not yet
    }
    if (i > 300) throw new Error('linli did not start')
    await new Promise((r) => setTimeout(r, 100))
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
  const violations = []
  // Whatever the server's Content-Security-Policy refuses (a script, a
  // style, an image source the UI needs) is logged by chromium on the
  // console: every context the flows open reports it, and it fails the flow
  // at `close()`. One refusal is expected and wanted: Vant's icon font
  // lists a copy on at.alicdn.com after its inline (data:) woff2; the
  // inline one draws the icons, and no browser of ours should call a CDN.
  const expectedRefusal = /at\.alicdn\.com\/t\/c\/font_2553510_/
  const refusedByCsp = []
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const ctx = await newContext({ timezoneId: TIMEZONE, ...options })
    ctx.on('console', (m) => {
      const t = m.text()
      if (/Content Security Policy/i.test(t) && !expectedRefusal.test(t)) refusedByCsp.push(t.slice(0, 300))
    })
    return ctx
  }

  /** A fresh browser context signed in as `who` (a phone number). */
  async function signIn(options, who, password = 'linli-demo') {
    const ctx = await browser.newContext(options)
    const page = await ctx.newPage()
    page.setDefaultTimeout(15000)
    await page.goto(`${base}/#/login`)
    await page.fill('input[name=phone]', who)
    await page.fill('input[name=password]', password)
    await page.click('button[type=submit]')
    await page.waitForURL((u) => !u.hash.startsWith('#/login'))
    return page
  }

  const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })

  async function api(token, method, path, body) {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    const json = text ? JSON.parse(text) : null
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return json
  }
  const tokenOf = async (p, password = 'linli-demo') => (await api('', 'POST', '/auth/login', { phone: p, password })).token

  /**
   * axe-core on the page as it is now: serious and critical violations are
   * collected under `name` and fail the flow at `close()`.
   */
  async function audit(page, name) {
    // Colours are read as they are drawn: let fades and slides (a dialog
    // bouncing in, a toast, a route change) finish first; spinners and other
    // endless animations are left running.
    await page.evaluate(() =>
      Promise.race([
        Promise.all(
          document
            .getAnimations()
            .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
            .map((a) => a.finished.catch(() => {})),
        ),
        new Promise((r) => setTimeout(r, 3000)),
      ]),
    )
    await page.evaluate(axeSource)
    const found = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] })
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
    })
    for (const v of found) violations.push({ screen: name, ...v })
  }

  /**
   * Chinese characters left on an English-mode screen, outside what people
   * typed (titles, names, addresses). That is marked with `data-user`: bare
   * (`<span data-user>`), everything inside is theirs; with a value
   * (`:data-user="r.address"`, or a JSON array of texts), those texts are
   * theirs wherever they appear inside, and the rest is checked. Text in an
   * element marked `lang="zh…"` (the switch back to 中文) is Chinese on purpose.
   */
  async function chineseLeft(page) {
    return page.evaluate(() => {
      const theirs = (v) => {
        if (v.startsWith('[')) {
          try {
            return JSON.parse(v).filter((x) => typeof x === 'string' && x)
          } catch {
            // a text that starts with [
          }
        }
        return [v]
      }
      const left = []
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement
        if (!el || el.closest('[data-user=""],script,style,[aria-hidden=true],[lang^=zh]')) continue
        const style = getComputedStyle(el)
        if (style.display === 'none' || style.visibility === 'hidden') continue
        let text = n.textContent
        for (let a = el.closest('[data-user]'); a; a = a.parentElement?.closest('[data-user]')) {
          for (const u of theirs(a.getAttribute('data-user'))) text = text.split(u).join('')
        }
        text = text.trim()
        // Han characters, and Chinese punctuation (、。「」，：（）).
        if (/[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]/.test(text)) left.push(text.slice(0, 60))
      }
      return [...new Set(left)]
    })
  }

  async function close() {
    await browser.close().catch(() => {})
    server.kill()
    rmSync(data, { recursive: true, force: true })
    if (refusedByCsp.length) {
      for (const t of new Set(refusedByCsp)) console.error(`CSP: ${t}`)
      throw new Error(`${refusedByCsp.length} loads or styles refused by the Content-Security-Policy`)
    }
    if (violations.length) {
      for (const v of violations) console.error(`axe ${v.impact} on ${v.screen}: ${v.id} — ${v.help} @ ${v.nodes.join(' | ')}`)
      throw new Error(`${violations.length} serious or critical accessibility violations`)
    }
  }

  return { base, browser, signIn, shot, api, tokenOf, audit, chineseLeft, close, violations }
}

/** Waits until `fn()` is true (polling), or fails with `what`. */
export async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms
  for (;;) {
    if (await fn()) return
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

/** Run one flow: `await flow('name', async (ctx, step) => { step('...'); ... })`. */
export async function flow(name, body, env) {
  let current = 'start'
  let ctx
  try {
    ctx = await boot(env)
    await body(ctx, (s) => (current = s))
    await ctx.close()
    ctx = null
    console.log(`e2e ${name}: passed`)
  } catch (e) {
    console.error(`e2e ${name} failed at "${current}":`, e)
    process.exitCode = 1
    await ctx?.close().catch((err) => console.error(String(err)))
  }
}
