// The logic of the location picker (LocationPicker.vue), kept apart so it
// is tested without a map: coordinates rounded to about 10 cm, a valid
// pair check, and the browser's position as a promise with plain reasons.

export interface LatLng { lat: number; lng: number }

/** Where the map opens when nothing is chosen yet (the demo communities). */
export const DEFAULT_CENTER: LatLng = { lat: 30.2741, lng: 120.1551 }

export const round6 = (n: number) => Math.round(n * 1e6) / 1e6

export function isLatLng(v: unknown): v is LatLng {
  const p = v as LatLng | null
  return !!p && Number.isFinite(p.lat) && Number.isFinite(p.lng) && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180
}

/** A map click's or the GPS's point, rounded, or null when out of range. */
export function toPoint(lat: number, lng: number): LatLng | null {
  // Leaflet wraps longitudes past ±180 as the map repeats; bring them back.
  const w = ((((lng + 180) % 360) + 360) % 360) - 180
  const p = { lat: round6(lat), lng: round6(w) }
  return isLatLng(p) ? p : null
}

export type LocateProblem = 'unsupported' | 'denied' | 'unavailable' | 'timeout'

interface Geo {
  getCurrentPosition(ok: (p: { coords: { latitude: number; longitude: number } }) => void, fail: (e: { code: number }) => void, o?: PositionOptions): void
}

/** The device's position ("use my position"); rejects with a LocateProblem. */
export function locate(geo: Geo | null = typeof navigator === 'undefined' ? null : (navigator.geolocation ?? null), timeout = 15000): Promise<LatLng> {
  return new Promise((ok, fail) => {
    if (!geo) return fail('unsupported' satisfies LocateProblem)
    geo.getCurrentPosition(
      (p) => {
        const pt = toPoint(p.coords.latitude, p.coords.longitude)
        if (pt) ok(pt)
        else fail('unavailable' satisfies LocateProblem)
      },
      (e) => fail((e.code === 1 ? 'denied' : e.code === 3 ? 'timeout' : 'unavailable') satisfies LocateProblem),
      { enableHighAccuracy: true, timeout, maximumAge: 60000 },
    )
  })
}
