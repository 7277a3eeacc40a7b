// Matching weights (GET/PUT /communities/{id}/matching-weights): points per
// factor, 0–100 each, not all 0. A candidate's score is Σ factor (0–1) × its
// weight, so the sum is the best score possible and each weight's share of the
// sum is how much that factor counts.

export const FACTORS = ['skill', 'distance', 'availability', 'load', 'rating', 'fairness'] as const
export type Factor = (typeof FACTORS)[number]
export type Weights = Record<Factor, number>
export const DEFAULT_WEIGHTS: Weights = { skill: 35, distance: 20, availability: 15, load: 10, rating: 10, fairness: 10 }

export const total = (w: Weights) => FACTORS.reduce((s, f) => s + (Number(w[f]) || 0), 0)

/** Each factor's share of the sum, in whole percent (0 when all are 0). */
export function shares(w: Weights): Weights {
  const sum = total(w)
  const out = {} as Weights
  for (const f of FACTORS) out[f] = sum ? Math.round(((Number(w[f]) || 0) * 100) / sum) : 0
  return out
}

/** What the API would refuse: a factor outside 0–100 or not whole, or all 0. */
export function problems(w: Weights): { field: Factor | 'weights'; code: 'range' | 'all_zero' }[] {
  const out: { field: Factor | 'weights'; code: 'range' | 'all_zero' }[] = []
  for (const f of FACTORS) {
    const v = Number(w[f])
    if (!Number.isInteger(v) || v < 0 || v > 100) out.push({ field: f, code: 'range' })
  }
  if (!out.length && total(w) === 0) out.push({ field: 'weights', code: 'all_zero' })
  return out
}

/** The same proportions scaled to sum to 100 (largest remainders), so the best score is 100. */
export function normalise(w: Weights): Weights {
  const sum = total(w)
  if (!sum) return { ...w }
  const exact = FACTORS.map((f) => ((Number(w[f]) || 0) * 100) / sum)
  const out = exact.map(Math.floor)
  let left = 100 - out.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (const [, i] of order) {
    if (left <= 0) break
    out[i] += 1
    left -= 1
  }
  const res = {} as Weights
  FACTORS.forEach((f, i) => (res[f] = out[i]))
  return res
}
