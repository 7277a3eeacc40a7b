// Minutes in words for the verifier: "3 小时", "1 小时 10 分", "45 分钟".
type T = (key: string, args: Record<string, number>) => string

export function duration(minutes: number | null | undefined, t: T): string {
  const n = Math.max(0, Math.round(minutes ?? 0))
  const h = Math.floor(n / 60)
  const m = n % 60
  if (h && m) return t('durHM', { h, m })
  return h ? t('durH', { h }) : t('durM', { m })
}
