// 说话输入: speech to text with the browser's Web Speech API
// (SpeechRecognition, webkitSpeechRecognition in Chromium), zh-CN by default.
// `supported` is false where the browser has none: the screen hides its
// button then. Each final phrase is passed to `onText`.
import { onBeforeUnmount, ref, type Ref } from 'vue'

interface RecognitionResult { isFinal: boolean; 0: { transcript: string } }
interface RecognitionEvent { resultIndex: number; results: ArrayLike<RecognitionResult> }
export interface Recognition {
  lang: string
  continuous: boolean
  interimResults: boolean
  onresult: ((e: RecognitionEvent) => void) | null
  onerror: ((e: { error: string }) => void) | null
  onend: (() => void) | null
  start(): void
  stop(): void
}
type RecognitionCtor = new () => Recognition

export function recognitionClass(w: unknown = typeof window === 'undefined' ? undefined : window): RecognitionCtor | null {
  const g = w as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor } | undefined
  return g?.SpeechRecognition ?? g?.webkitSpeechRecognition ?? null
}

/** Appends spoken text to what is typed, with a Chinese or English separator as needed. */
export function appendSpoken(current: string, spoken: string): string {
  const s = spoken.trim()
  if (!s) return current
  if (!current) return s
  const ascii = /[A-Za-z0-9]$/.test(current) && /^[A-Za-z0-9]/.test(s)
  return current + (ascii ? ' ' : /[，。！？,.!?\s]$/.test(current) ? '' : '，') + s
}

export function useSpeech(opts: { lang?: () => string; onText: (text: string) => void; ctor?: RecognitionCtor | null }): {
  supported: boolean
  listening: Ref<boolean>
  error: Ref<string>
  start: () => void
  stop: () => void
  toggle: () => void
} {
  const Ctor = opts.ctor === undefined ? recognitionClass() : opts.ctor
  const listening = ref(false)
  const error = ref('')
  let rec: Recognition | null = null

  function start() {
    if (!Ctor || listening.value) return
    error.value = ''
    rec = new Ctor()
    rec.lang = opts.lang?.() ?? 'zh-CN'
    rec.continuous = false
    rec.interimResults = false
    rec.onresult = (e) => {
      for (let i = e.resultIndex; i < e.results.length; i++) {
        const r = e.results[i]
        if (r.isFinal) opts.onText(r[0].transcript)
      }
    }
    rec.onerror = (e) => {
      error.value = e.error || 'error'
    }
    rec.onend = () => {
      listening.value = false
      rec = null
    }
    try {
      rec.start()
      listening.value = true
    } catch {
      error.value = 'start'
      rec = null
    }
  }
  function stop() {
    rec?.stop()
  }
  onBeforeUnmount(() => rec?.stop())
  return { supported: !!Ctor, listening, error, start, stop, toggle: () => (listening.value ? stop() : start()) }
}
