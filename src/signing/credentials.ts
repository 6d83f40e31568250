/**
 * The certificate, key and chain that Apple profiles are signed with (PROFILE_SIGNING_CERT, PROFILE_SIGNING_KEY,
 * PROFILE_SIGNING_CHAIN), read and checked once at start: a file that cannot be read or parsed, a key that does not
 * belong to the certificate, a certificate outside its validity period or a key type profiles cannot be signed
 * with each give a line naming the variable, and the server does not start. A certificate whose validity ends
 * while the server runs still signs: iOS then shows the profile as unverified, which is what an operator sees
 * and renews (Let's Encrypt certificates do this every 90 days).
 */
import { readFileSync } from 'node:fs'
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import { ConfigError } from '../config.ts'

export interface SigningFiles {
  /** PEM: the signing certificate, optionally followed by its intermediates (a `fullchain.pem`). */
  certFile: string
  /** PEM: its private key, unencrypted (PKCS#8, PKCS#1 or SEC1). */
  keyFile: string
  /** PEM: intermediate certificates to include, when the certificate file holds only the leaf. */
  chainFile?: string | undefined
}

/** The curves WebCrypto signs with, by the name Node reports, with the digest of matching strength. */
export const EC_CURVES = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
  secp521r1: { namedCurve: 'P-521', hash: 'SHA-512' },
} as const satisfies Record<string, { namedCurve: string, hash: string }>

export type SigningKeyAlgorithm =
  | { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  | { name: 'ECDSA', namedCurve: string, hash: string }

export interface SigningCredentials {
  certificate: X509Certificate
  /** Intermediates, in the order given; the root is not needed (devices have it). */
  chain: X509Certificate[]
  key: KeyObject
  algorithm: SigningKeyAlgorithm
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

function readText (path: string, variable: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    problems.push(`${variable}=${JSON.stringify(path)} cannot be read: ${(error as Error).message}`)
    return undefined
  }
}

function certificatesIn (text: string, path: string, variable: string, problems: string[]): X509Certificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) problems.push(`${variable}=${JSON.stringify(path)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  const certificates: X509Certificate[] = []
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block))
    } catch (error) {
      problems.push(`${variable}=${JSON.stringify(path)}: certificate ${index + 1} cannot be parsed: ${(error as Error).message}`)
    }
  }
  return certificates
}

function keyAlgorithm (key: KeyObject): SigningKeyAlgorithm | string {
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? ''
    const known = EC_CURVES[curve as keyof typeof EC_CURVES]
    return known === undefined ? `an EC key on ${curve}, which cannot sign here (use P-256, P-384 or P-521)` : { name: 'ECDSA', ...known }
  }
  return `a key of type ${key.asymmetricKeyType ?? 'unknown'}, which cannot sign profiles (use RSA or ECDSA)`
}

/** Reads and checks the files; throws a ConfigError with a line for every problem. */
export function loadSigningCredentials (files: SigningFiles, now: Date): SigningCredentials {
  const problems: string[] = []
  const certText = readText(files.certFile, 'PROFILE_SIGNING_CERT', problems)
  const keyText = readText(files.keyFile, 'PROFILE_SIGNING_KEY', problems)
  const chainText = files.chainFile === undefined ? undefined : readText(files.chainFile, 'PROFILE_SIGNING_CHAIN', problems)
  const [certificate, ...bundled] = certText === undefined ? [] : certificatesIn(certText, files.certFile, 'PROFILE_SIGNING_CERT', problems)
  const chain = [...bundled, ...(chainText === undefined ? [] : certificatesIn(chainText, files.chainFile!, 'PROFILE_SIGNING_CHAIN', problems))]

  let key: KeyObject | undefined
  if (keyText !== undefined) {
    try {
      key = createPrivateKey(keyText)
    } catch (error) {
      const encrypted = /ENCRYPTED/.test(keyText)
      problems.push(`PROFILE_SIGNING_KEY=${JSON.stringify(files.keyFile)} ${encrypted ? 'is encrypted; give the key without a passphrase' : `is not a PEM private key: ${(error as Error).message}`}`)
    }
  }
  const algorithm = key === undefined ? undefined : keyAlgorithm(key)
  if (typeof algorithm === 'string') problems.push(`PROFILE_SIGNING_KEY=${JSON.stringify(files.keyFile)} is ${algorithm}`)

  if (certificate !== undefined) {
    if (key !== undefined && typeof algorithm !== 'string' && !certificate.checkPrivateKey(key)) {
      problems.push(`PROFILE_SIGNING_KEY=${JSON.stringify(files.keyFile)} does not belong to the certificate in PROFILE_SIGNING_CERT (${certificate.subject.replaceAll('\n', ', ')})`)
    }
    if (now.getTime() > Date.parse(certificate.validTo)) {
      problems.push(`PROFILE_SIGNING_CERT=${JSON.stringify(files.certFile)} expired on ${new Date(certificate.validTo).toISOString()}; renew it`)
    } else if (now.getTime() < Date.parse(certificate.validFrom)) {
      problems.push(`PROFILE_SIGNING_CERT=${JSON.stringify(files.certFile)} is not valid before ${new Date(certificate.validFrom).toISOString()}`)
    }
  }
  if (problems.length > 0 || certificate === undefined || key === undefined || algorithm === undefined || typeof algorithm === 'string') {
    throw new ConfigError(problems)
  }
  return { certificate, chain, key, algorithm }
}
