import type { Request } from '../../types'

/** What `GET /requests/{id}` adds for the phone screens (contract B2 for photos). */
export interface Photo { id: number; url: string }
export type RequestPlus = Request & {
  /** `{lat, lng}` to those who may see the contact (the holder while serving, the requester, admins). */
  location?: { lat: number; lng: number } | null
  photos?: Photo[]
}
