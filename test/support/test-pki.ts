/**
 * A throw-away PKI for the profile-signing tests, made with Debian's `openssl` command in a temporary directory that
 * is removed when the test ends: a root CA, an intermediate CA under it, and signing certificates under the
 * intermediate (keyUsage digitalSignature, extendedKeyUsage emailProtection, valid for 30 days from now) for an RSA
 * 2048, an EC P-256 and an EC P-384 key; plus the broken inputs the credentials must be refused for: an expired
 * leaf, an encrypted key, an Ed25519 key with its certificate, a key on a curve WebCrypto cannot sign with, a key
 * that belongs to no certificate here, and an unrelated root. A missing `openssl` fails the test: nothing skips.
 *
 * OpenSSL 3.0's `x509 -req` has no `-not_before`/`-not_after` (3.4 added them), but it takes a negative `-days`:
 * `-days -1` makes a certificate whose notAfter is one day before its notBefore (now), so its validity has really
 * ended, with no fake clock.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Teardown { teardown (fn: () => unknown): void }

/** Each openssl run is bounded; key generation is the slow part (RSA 2048, well under a second). */
const OPENSSL_TIMEOUT_MS = 20_000

/** Certificate and key (PKCS#8 PEM) files. */
export interface CertAndKey {
  cert: string
  key: string
}

export interface Leaf extends CertAndKey {
  /** The leaf followed by the intermediate, as certbot's `fullchain.pem`. */
  fullchain: string
  subject: string
}

export interface TestPki {
  dir: string
  root: CertAndKey
  intermediate: CertAndKey
  /** A second root that issued none of the certificates here. */
  unrelatedRoot: CertAndKey
  rsa: Leaf & {
    /** The same RSA key as PKCS#1 (`BEGIN RSA PRIVATE KEY`). */
    pkcs1Key: string
    /** The same RSA key encrypted with AES-256 (passphrase `x`). */
    encryptedKey: string
  }
  p256: Leaf & {
    /** The same P-256 key as SEC1 (`BEGIN EC PRIVATE KEY`). */
    sec1Key: string
  }
  p384: Leaf
  /** A P-256 leaf for TLS (extendedKeyUsage serverAuth only), like a Let's Encrypt certificate. */
  tls: CertAndKey
  /** An RSA leaf whose notAfter is a day before now (see the top of this file). */
  expired: CertAndKey
  /** An Ed25519 key and a certificate for it under the intermediate. */
  ed25519: CertAndKey
  /** An EC key on secp256k1, which WebCrypto does not sign with. */
  secp256k1Key: string
  /** A P-256 key that belongs to none of the certificates. */
  strayKey: string
}

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[intermediate_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[tls_leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`

/** Runs openssl, bounded; throws with its output when it fails. */
export function openssl (args: readonly string[], options: { cwd?: string, input?: string | Buffer } = {}): Buffer {
  return execFileSync('openssl', args, { ...options, timeout: OPENSSL_TIMEOUT_MS, stdio: ['pipe', 'pipe', 'pipe'] })
}

/** Runs openssl, bounded, and returns its exit status and output whether or not it succeeded. */
export function opensslResult (args: readonly string[], options: { cwd?: string } = {}): { status: number | null, stdout: string, stderr: string } {
  const result = spawnSync('openssl', args, { ...options, timeout: OPENSSL_TIMEOUT_MS, encoding: 'utf8' })
  if (result.error !== undefined) throw result.error
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Makes the PKI; the directory is removed at teardown. */
export function createTestPki (t: Teardown): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'mail-autoconfig-pki-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = (name: string) => join(dir, name)
  const config = path('openssl.cnf')
  writeFileSync(config, CONFIG)
  let serial = 1

  const key = (name: string, algorithm: 'RSA' | 'P-256' | 'P-384' | 'secp256k1' | 'ED25519'): string => {
    const file = path(`${name}.key`)
    const options = algorithm === 'RSA'
      ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
      : algorithm === 'ED25519' ? ['-algorithm', 'ED25519'] : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${algorithm}`]
    openssl(['genpkey', ...options, '-out', file])
    return file
  }
  /** A certificate for `keyFile` issued by `issuer` (self-signed without one). */
  const certificate = (name: string, keyFile: string, subject: string, extensions: string, issuer?: CertAndKey, days = 30): string => {
    const file = path(`${name}.pem`)
    const validity = ['-days', String(days), '-set_serial', String(serial++)]
    if (issuer === undefined) {
      openssl(['req', '-x509', '-new', '-config', config, '-extensions', extensions, '-key', keyFile, '-subj', subject, '-sha256', ...validity, '-out', file])
    } else {
      const csr = path(`${name}.csr`)
      openssl(['req', '-new', '-config', config, '-key', keyFile, '-subj', subject, '-out', csr])
      openssl(['x509', '-req', '-in', csr, '-CA', issuer.cert, '-CAkey', issuer.key, '-sha256', '-extfile', config, '-extensions', extensions, ...validity, '-out', file])
    }
    return file
  }
  const authority = (name: string, subject: string, issuer?: CertAndKey): CertAndKey => {
    const keyFile = key(name, 'P-256')
    return { key: keyFile, cert: certificate(name, keyFile, subject, issuer === undefined ? 'root_ext' : 'intermediate_ext', issuer) }
  }

  const root = authority('root', '/CN=Test Profile Root')
  const intermediate = authority('intermediate', '/CN=Test Profile Intermediate', root)
  const unrelatedRoot = authority('unrelated-root', '/CN=Unrelated Root')
  const leaf = (name: string, algorithm: 'RSA' | 'P-256' | 'P-384', subject: string): Leaf => {
    const keyFile = key(name, algorithm)
    const cert = certificate(name, keyFile, `/O=Mail Autoconfig Tests/CN=${subject}`, 'leaf_ext', intermediate)
    const fullchain = path(`${name}.fullchain.pem`)
    openssl(['x509', '-in', cert, '-out', fullchain])
    writeFileSync(fullchain, openssl(['x509', '-in', intermediate.cert]), { flag: 'a' })
    return { cert, key: keyFile, fullchain, subject: `O=Mail Autoconfig Tests, CN=${subject}` }
  }

  const rsa = leaf('rsa', 'RSA', 'RSA profile signer')
  const pkcs1Key = path('rsa.pkcs1.key')
  openssl(['rsa', '-in', rsa.key, '-traditional', '-out', pkcs1Key])
  const encryptedKey = path('rsa.encrypted.key')
  openssl(['pkey', '-in', rsa.key, '-aes256', '-passout', 'pass:x', '-out', encryptedKey])

  const p256 = leaf('p256', 'P-256', 'P-256 profile signer')
  const sec1Key = path('p256.sec1.key')
  openssl(['ec', '-in', p256.key, '-out', sec1Key])

  const p384 = leaf('p384', 'P-384', 'P-384 profile signer')

  // A TLS server certificate, as Let's Encrypt issues them: serverAuth only, no emailProtection.
  const tlsKey = key('tls', 'P-256')
  const tls = { key: tlsKey, cert: certificate('tls', tlsKey, '/CN=autoconfig.example.test', 'tls_leaf_ext', intermediate) }

  const expiredKey = key('expired', 'RSA')
  const expired = { key: expiredKey, cert: certificate('expired', expiredKey, '/CN=Expired profile signer', 'leaf_ext', intermediate, -1) }

  const ed25519Key = key('ed25519', 'ED25519')
  const ed25519 = { key: ed25519Key, cert: certificate('ed25519', ed25519Key, '/CN=Ed25519 profile signer', 'leaf_ext', intermediate) }

  return {
    dir,
    root,
    intermediate,
    unrelatedRoot,
    rsa: { ...rsa, pkcs1Key, encryptedKey },
    p256: { ...p256, sec1Key },
    p384,
    tls,
    expired,
    ed25519,
    secp256k1Key: key('secp256k1', 'secp256k1'),
    strayKey: key('stray', 'P-256'),
  }
}
