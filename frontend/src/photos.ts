// Photos on a request (contract B2): checked and, when big, shrunk in the
// browser before upload — a camera photo of 4–12 MB becomes a JPEG of a few
// hundred kB (re-encoding through a canvas also drops its EXIF; the server
// strips it again). The server takes ≤ 5 MiB, ≤ 6 per request, JPEG, PNG or
// WebP, sent one by one after the request is created.
import { postBytes } from './api'

export const MAX_BYTES = 5 * 1024 * 1024
export const MAX_PHOTOS = 6
/** Longest side after shrinking, and from which size a photo is shrunk. */
export const MAX_SIDE = 1600
export const SHRINK_FROM_BYTES = 1024 * 1024
export const TYPES = ['image/jpeg', 'image/png', 'image/webp']

export type Plan = 'send' | 'shrink' | 'unsupported'

/**
 * What to do with a chosen file: send it as it is (small, a type the server
 * takes), shrink it first (big, or another image type the browser can
 * draw), or refuse it (not an image).
 */
export function planPhoto(f: { size: number; type: string }): Plan {
  if (!f.type.startsWith('image/')) return 'unsupported'
  if (TYPES.includes(f.type) && f.size <= SHRINK_FROM_BYTES) return 'send'
  return 'shrink'
}

/** The size to draw at: the longest side at most `max`, proportions kept. */
export function fitWithin(w: number, h: number, max = MAX_SIDE): { width: number; height: number } {
  const k = Math.min(1, max / Math.max(w, h))
  return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)) }
}

export function tooLarge(size: number): boolean {
  return size > MAX_BYTES
}

/** Shrinks an image to MAX_SIDE as a JPEG (orientation from EXIF applied, EXIF dropped). */
export async function shrink(file: Blob, max = MAX_SIDE, quality = 0.85): Promise<Blob> {
  const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' })
  const { width, height } = fitWithin(bmp.width, bmp.height, max)
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const g = canvas.getContext('2d')
  if (!g) throw new Error('canvas')
  g.fillStyle = '#fff' // a transparent PNG becomes white, not black, as a JPEG
  g.fillRect(0, 0, width, height)
  g.drawImage(bmp, 0, 0, width, height)
  bmp.close?.()
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('encode'))), 'image/jpeg', quality))
}

/** A file ready to upload, or why not. */
export async function prepare(file: File): Promise<{ blob: Blob; type: string } | { problem: 'unsupported' | 'too_large' }> {
  const plan = planPhoto(file)
  if (plan === 'unsupported') return { problem: 'unsupported' }
  let blob: Blob = file
  let type = file.type
  if (plan === 'shrink') {
    try {
      blob = await shrink(file)
      type = 'image/jpeg'
    } catch {
      // the browser cannot draw it (e.g. HEIC): send as is if the server takes it
      if (!TYPES.includes(file.type)) return { problem: 'unsupported' }
    }
  }
  if (tooLarge(blob.size)) return { problem: 'too_large' }
  return { blob, type }
}

export interface Photo { id: number; url: string }

/** Uploads each photo in turn; answers those that failed, with the server's words. */
export async function uploadAll<P extends { blob: Blob; type: string }>(requestId: number, photos: P[]): Promise<{ ok: Photo[]; failed: { photo: P; message: string }[] }> {
  const ok: Photo[] = []
  const failed: { photo: P; message: string }[] = []
  for (const p of photos) {
    try {
      ok.push(await postBytes<Photo>(`/requests/${requestId}/photos`, p.blob, p.type))
    } catch (e) {
      failed.push({ photo: p, message: (e as Error).message })
    }
  }
  return { ok, failed }
}
