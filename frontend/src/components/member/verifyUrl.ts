/** The public verification page of a certificate, as its QR code encodes it (hash routing). */
export function verifyUrl(origin: string, number: string): string {
  return `${origin.replace(/\/$/, '')}/#/verify/${encodeURIComponent(number)}`
}
