/**
 * Lints validated provider files: runs the rules, drops the warnings a file accepts under `acceptedWarnings`, and
 * pins each remaining warning to its line. An acceptance that no longer matches any warning is reported too,
 * so silenced warnings do not outlive the reason they were accepted for.
 */
import type { Document, LineCounter } from 'yaml'
import { parseProviderFile } from '../catalog/load.ts'
import { formatPath, positionAt } from '../catalog/report.ts'
import type { Provider } from '../model/provider.ts'
import type { WarningCode } from './codes.ts'
import { lintProvider } from './rules.ts'

export interface LintWarning {
  file: string
  line: number
  col: number
  path: string
  /** Absent for an unused acceptance, which cannot itself be accepted. */
  code?: WarningCode
  message: string
}

export interface LintResult {
  warnings: LintWarning[]
  /** How many warnings `acceptedWarnings` silenced. */
  accepted: number
}

export function formatWarning (warning: LintWarning): string {
  return `${warning.file}:${warning.line}:${warning.col} ${warning.path === '' ? '' : `${warning.path}: `}${warning.message}${warning.code === undefined ? '' : ` [${warning.code}]`}`
}

export function lintParsedFile (parsed: { file: string, provider: Provider, doc: Document, lines: LineCounter }): LintResult {
  const { file, provider, doc, lines } = parsed
  const acceptedCodes = new Set(Object.keys(provider.acceptedWarnings ?? {}) as WarningCode[])
  const findings = lintProvider(provider)
  const warnings: LintWarning[] = findings
    .filter((finding) => !acceptedCodes.has(finding.code))
    .map((finding) => ({ file, ...positionAt(doc, lines, finding.path), path: formatPath(finding.path), code: finding.code, message: finding.message }))
  const raised = new Set(findings.map((finding) => finding.code))
  for (const code of acceptedCodes) {
    if (raised.has(code)) continue
    const path = ['acceptedWarnings', code]
    warnings.push({ file, ...positionAt(doc, lines, path), path: formatPath(path), message: 'accepted, but no such warning is raised any more; remove the entry' })
  }
  return { warnings, accepted: findings.length - findings.filter((finding) => !acceptedCodes.has(finding.code)).length }
}

/** Lints provider files that passed validation (a file that does not parse has no warnings to give). */
export function lintSources (sources: ReadonlyArray<{ file: string, text: string }>): LintResult {
  const result: LintResult = { warnings: [], accepted: 0 }
  for (const { file, text } of sources) {
    const parsed = parseProviderFile(file, text)
    if (!parsed.ok) continue
    const one = lintParsedFile(parsed.value)
    result.warnings.push(...one.warnings)
    result.accepted += one.accepted
  }
  return result
}
