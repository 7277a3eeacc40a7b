// The desk map's pins: which requests are shown and in what colour.

/** Requests still to be served: these are on the map. */
export const OPEN_STATUSES = ['pending', 'open', 'dispatched', 'accepted', 'in_progress'] as const

/** Red when overdue; orange while nobody holds it; blue while being served. */
export function pinColour(status: string, overdue: boolean): string {
  if (overdue) return '#d4380d'
  if (status === 'pending' || status === 'open') return '#ed6a0c'
  return '#1565c0'
}

/** South-west and north-east corners around the points, or null for none. */
export function boundsOf(points: { lat: number; lng: number }[]): [[number, number], [number, number]] | null {
  if (!points.length) return null
  let s = Infinity, w = Infinity, n = -Infinity, e = -Infinity
  for (const p of points) {
    s = Math.min(s, p.lat)
    n = Math.max(n, p.lat)
    w = Math.min(w, p.lng)
    e = Math.max(e, p.lng)
  }
  return [[s, w], [n, e]]
}
