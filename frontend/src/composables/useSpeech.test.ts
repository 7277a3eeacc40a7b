import { describe, expect, it } from 'vitest'
import { appendSpoken, recognitionClass, useSpeech, type Recognition } from './useSpeech'

class FakeRecognition implements Recognition {
  static last: FakeRecognition | null = null
  lang = ''
  continuous = true
  interimResults = true
  started = false
  onresult: Recognition['onresult'] = null
  onerror: Recognition['onerror'] = null
  onend: Recognition['onend'] = null
  constructor() {
    FakeRecognition.last = this
  }
  start() {
    this.started = true
  }
  stop() {
    this.onend?.()
  }
  say(text: string, isFinal = true) {
    this.onresult?.({ resultIndex: 0, results: [{ isFinal, 0: { transcript: text } }] })
  }
}

describe('useSpeech (说话输入)', () => {
  it('finds the prefixed or standard class, or none', () => {
    expect(recognitionClass({})).toBeNull()
    expect(recognitionClass({ webkitSpeechRecognition: FakeRecognition })).toBe(FakeRecognition)
    expect(recognitionClass({ SpeechRecognition: FakeRecognition })).toBe(FakeRecognition)
  })
  it('is not supported without the API', () => {
    const s = useSpeech({ onText: () => {}, ctor: null })
    expect(s.supported).toBe(false)
    s.start()
    expect(s.listening.value).toBe(false)
  })
  it('listens in zh-CN and hands over final phrases only', () => {
    const got: string[] = []
    const s = useSpeech({ onText: (t) => got.push(t), ctor: FakeRecognition })
    expect(s.supported).toBe(true)
    s.toggle()
    const r = FakeRecognition.last!
    expect(r.started).toBe(true)
    expect(r.lang).toBe('zh-CN')
    expect(s.listening.value).toBe(true)
    r.say('厨房', false)
    r.say('厨房水龙头漏水')
    expect(got).toEqual(['厨房水龙头漏水'])
    s.toggle()
    expect(s.listening.value).toBe(false)
  })
  it('follows the UI language and reports errors', () => {
    const s = useSpeech({ onText: () => {}, ctor: FakeRecognition, lang: () => 'en-US' })
    s.start()
    expect(FakeRecognition.last!.lang).toBe('en-US')
    FakeRecognition.last!.onerror?.({ error: 'not-allowed' })
    expect(s.error.value).toBe('not-allowed')
  })
  it('appends what was said to what was typed', () => {
    expect(appendSpoken('', ' 水龙头漏水 ')).toBe('水龙头漏水')
    expect(appendSpoken('厨房', '水龙头漏水')).toBe('厨房，水龙头漏水')
    expect(appendSpoken('厨房。', '水龙头漏水')).toBe('厨房。水龙头漏水')
    expect(appendSpoken('kitchen tap', 'leaks')).toBe('kitchen tap leaks')
    expect(appendSpoken('厨房', '  ')).toBe('厨房')
  })
})
