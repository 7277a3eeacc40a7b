// Member CSV import (POST /members/import): the template, and the server's
// per-line problems turned into rows people can act on.
import type { ApiError } from '../api'
import { showFailToast } from 'vant'
import { sheetText } from './importApi'

/** The columns the import knows, in the template's order. */
export const COLUMNS = [
  'phone', 'name', 'kind', 'employer', 'party_branch', 'skills', 'grid',
  'max_active', 'availability', 'preferred_posts', 'lat', 'lng',
] as const

/** A template with the header and two example rows (UTF-8 with BOM so spreadsheet programs read the Chinese). */
export function templateCsv(): string {
  return (
    '\ufeff' +
    [
      COLUMNS.join(','),
      '13800001234,张三,党员,区卫健委,第一党支部,elderly_care;errands,东区网格,3,6 09:00-12:00;7 14:00-17:00,,,',
      '13800005678,李四,志愿者,,,appliance_repair,,2,,,,',
    ].join('\n') +
    '\n'
  )
}

/** One problem of an import: line 1 is the header. */
export interface ImportProblem {
  line: number | null
  field: string
  code: string
  message: string
}

/** The message without the server's own "第 3 行：" / "line 3: " prefix (the table shows the line). */
export function stripLine(message: string): string {
  return message.replace(/^\s*(第\s*\d+\s*行[:：]\s*|line\s+\d+:\s*)/i, '')
}

/** The per-line problems of a refused import, in line order; a refusal without fields becomes one row. */
export function importProblems(e: Pick<ApiError, 'message' | 'fields'>): ImportProblem[] {
  const fields = (e.fields ?? []) as { field: string; code: string; message: string; line?: number | null }[]
  if (!fields.length) return [{ line: null, field: 'file', code: 'unknown', message: e.message }]
  return fields
    .map((f) => ({ line: f.line ?? null, field: f.field, code: f.code, message: stripLine(f.message) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
}

/** The data lines with a problem (the header cannot be skipped). */
export function badLines(problems: ImportProblem[]): number[] {
  return [...new Set(problems.map((p) => p.line).filter((l): l is number => l !== null && l > 1))].sort((a, b) => a - b)
}

/** Whether every problem sits on a data line, so the rest could be imported without them. */
export function canSkip(problems: ImportProblem[]): boolean {
  return problems.length > 0 && problems.every((p) => p.line !== null && p.line > 1)
}

/** The file without the given (1-based) lines. */
export function withoutLines(text: string, lines: number[]): string {
  const drop = new Set(lines)
  return text
    .split(/\r?\n/)
    .filter((_, i) => !drop.has(i + 1))
    .join('\n')
}

/** The CSV file chosen in `e`'s file input, its text without a byte-order
 *  mark; `null` when nothing was chosen, `'not-csv'` for another kind of file. */
export async function chosenCsv(
  e: Event,
  fromXlsx: (file: File) => Promise<string> = sheetText,
): Promise<{ name: string; text: string } | null | 'not-csv'> {
  const file = (e.target as HTMLInputElement).files?.[0]
  if (!file) return null
  // A workbook's first sheet, read by the server, lands in the same box.
  if (/\.xlsx$/i.test(file.name)) return { name: file.name, text: await fromXlsx(file) }
  if (!/\.(csv|txt)$/i.test(file.name)) return 'not-csv'
  return { name: file.name, text: (await file.text()).replace(/^\ufeff/, '') }
}

/** `chosenCsv` for a screen: a file of another kind, or a workbook the
 * server could not read, is said in a toast (`notCsv` for the former). */
export async function chosenOrSaid(e: Event, notCsv: string): Promise<{ name: string; text: string } | null> {
  try {
    const chosen = await chosenCsv(e)
    if (chosen === 'not-csv') showFailToast(notCsv)
    return chosen === 'not-csv' ? null : chosen
  } catch (err) {
    showFailToast((err as Error).message)
    return null
  }
}

/** Data rows in a file (non-empty lines after the header). */
export function dataRows(text: string): number {
  return Math.max(0, text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim()).length - 1)
}

export interface ImportedRow { line: number; user_id: number; name: string; phone: string; new_account: boolean; initial_password: string | null }
export interface ImportReport { community_id: number; imported: number; new_accounts: number; rows: ImportedRow[] }
