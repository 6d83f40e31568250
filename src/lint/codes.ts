/**
 * The permanent codes of `check --strict` warnings. A code never changes meaning and is never reused: provider
 * files name them under `acceptedWarnings` to silence a warning for that file, with the reason. The rules that
 * raise them are in rules.ts; this module has no imports so the provider model can validate the names.
 */
export const WARNING_CODES = [
  'plain-connection',
  'oauth2-only',
  'no-outgoing-server',
  'username-template',
  'port-security-mismatch',
  'port-protocol-mismatch',
  'foreign-hostname',
] as const

export type WarningCode = typeof WARNING_CODES[number]
