/**
 * loadSigningCredentials against real files from a throw-away PKI (test/support/test-pki.ts): every problem gives
 * its own line naming the variable, in the order the files are read, and good files give the certificate, the
 * chain and the WebCrypto algorithm the key signs with. Validity dates are read back with `openssl x509`, not with
 * the code under test.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { ConfigError } from '../../src/config.ts'
import { loadSigningCredentials, type SigningCredentials, type SigningFiles } from '../../src/signing/credentials.ts'
import { createTestPki, openssl } from '../support/test-pki.ts'

const pki = createTestPki(t)
const NOW = new Date()

/** A file in the PKI's directory with the given text. */
function file (name: string, text: string | Buffer): string {
  const path = join(pki.dir, name)
  writeFileSync(path, text)
  return path
}

const pem = (path: string) => openssl(['x509', '-in', path]).toString('utf8')

/** notBefore and notAfter, as `openssl x509` prints them. */
function validity (cert: string): { notBefore: Date, notAfter: Date } {
  const text = openssl(['x509', '-in', cert, '-noout', '-startdate', '-enddate', '-dateopt', 'iso_8601']).toString('utf8')
  const date = (name: string): Date => {
    const found = new RegExp(`^${name}=(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\dZ)$`, 'm').exec(text)
    if (found === null) throw new Error(`no ${name} in ${text}`)
    return new Date(`${found[1]}T${found[2]}`)
  }
  return { notBefore: date('notBefore'), notAfter: date('notAfter') }
}

/** The DER of a certificate file's first certificate, by openssl. */
const der = (cert: string) => openssl(['x509', '-in', cert, '-outform', 'DER'])

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** An anchored regex: the literal parts are regex source, the values are matched as they are. */
function line (parts: TemplateStringsArray, ...values: string[]): RegExp {
  return new RegExp(`^${parts.raw.map((part, i) => part + (i < values.length ? escape(values[i]!) : '')).join('')}$`)
}
/** A file name as a line shows it: `"/tmp/…/rsa.key"`. */
const q = (path: string) => JSON.stringify(path)

/** Asserts the files are refused with exactly these lines, in this order. */
function refused (t: Test, files: SigningFiles, now: Date, expected: RegExp[], message: string): void {
  let error: unknown
  try {
    loadSigningCredentials(files, now)
  } catch (caught) {
    error = caught
  }
  if (!(error instanceof ConfigError)) {
    t.fail(`${message}: expected a ConfigError, got ${error === undefined ? 'credentials' : String(error)}`)
    return
  }
  t.equal(error.lines.length, expected.length, `${message}: ${expected.length} line(s)`, { lines: error.lines })
  for (const [index, wanted] of expected.entries()) t.match(error.lines[index], wanted, `${message}: line ${index + 1}`)
  t.equal(error.message, error.lines.join('\n'), `${message}: the message is the lines`)
}

const good = { certFile: pki.rsa.cert, keyFile: pki.rsa.key }

t.test('a file that cannot be read: a line naming its variable and the reason', async (t) => {
  const missing = join(pki.dir, 'missing.pem')
  refused(t, { ...good, certFile: missing }, NOW,
    [line`PROFILE_SIGNING_CERT=${q(missing)} cannot be read: ENOENT: no such file or directory, open '${missing}'`], 'certificate missing')
  refused(t, { ...good, keyFile: missing }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(missing)} cannot be read: ENOENT: no such file or directory, open '${missing}'`], 'key missing')
  refused(t, { ...good, chainFile: missing }, NOW,
    [line`PROFILE_SIGNING_CHAIN=${q(missing)} cannot be read: ENOENT: no such file or directory, open '${missing}'`], 'chain missing')
  const directory = join(pki.dir, 'a-directory')
  mkdirSync(directory)
  refused(t, { ...good, certFile: directory }, NOW, [line`PROFILE_SIGNING_CERT=${q(directory)} cannot be read: EISDIR: illegal operation on a directory, read`], 'a directory')
  refused(t, { certFile: missing, keyFile: directory, chainFile: missing }, NOW, [
    line`PROFILE_SIGNING_CERT=${q(missing)} cannot be read: ENOENT: .*`,
    line`PROFILE_SIGNING_KEY=${q(directory)} cannot be read: EISDIR: .*`,
    line`PROFILE_SIGNING_CHAIN=${q(missing)} cannot be read: ENOENT: .*`,
  ], 'all three unreadable')
})

t.test('a certificate or chain file without a PEM certificate', async (t) => {
  refused(t, { ...good, certFile: pki.rsa.key }, NOW,
    [line`PROFILE_SIGNING_CERT=${q(pki.rsa.key)} holds no PEM certificate \(-----BEGIN CERTIFICATE-----\)`], 'a key given as the certificate')
  const empty = file('empty.pem', '')
  refused(t, { ...good, certFile: empty }, NOW, [line`PROFILE_SIGNING_CERT=${q(empty)} holds no PEM certificate \(-----BEGIN CERTIFICATE-----\)`], 'an empty file')
  const derFile = file('der.cer', der(pki.rsa.cert))
  refused(t, { ...good, certFile: derFile }, NOW, [line`PROFILE_SIGNING_CERT=${q(derFile)} holds no PEM certificate \(-----BEGIN CERTIFICATE-----\)`], 'a DER certificate')
  refused(t, { ...good, chainFile: pki.intermediate.key }, NOW,
    [line`PROFILE_SIGNING_CHAIN=${q(pki.intermediate.key)} holds no PEM certificate \(-----BEGIN CERTIFICATE-----\)`], 'a key given as the chain')
})

t.test('a garbled certificate block: which one, in which file', async (t) => {
  const garbled = '-----BEGIN CERTIFICATE-----\nMIIBnotacertificate\n-----END CERTIFICATE-----\n'
  const alone = file('garbled.pem', garbled)
  refused(t, { ...good, certFile: alone }, NOW, [line`PROFILE_SIGNING_CERT=${q(alone)}: certificate 1 cannot be parsed: error:.+`], 'the only block')
  const second = file('garbled-fullchain.pem', pem(pki.rsa.cert) + garbled)
  refused(t, { ...good, certFile: second }, NOW, [line`PROFILE_SIGNING_CERT=${q(second)}: certificate 2 cannot be parsed: error:.+`], 'the bundled intermediate')
  const chain = file('garbled-chain.pem', garbled + pem(pki.intermediate.cert))
  refused(t, { ...good, chainFile: chain }, NOW, [line`PROFILE_SIGNING_CHAIN=${q(chain)}: certificate 1 cannot be parsed: error:.+`], 'the chain file')
})

t.test('keys that cannot be used', async (t) => {
  refused(t, { ...good, keyFile: pki.rsa.encryptedKey }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.rsa.encryptedKey)} is encrypted; give the key without a passphrase`], 'encrypted PKCS#8')
  const traditional = join(pki.dir, 'rsa.encrypted-pkcs1.key')
  openssl(['rsa', '-in', pki.rsa.key, '-traditional', '-aes256', '-passout', 'pass:x', '-out', traditional])
  refused(t, { ...good, keyFile: traditional }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(traditional)} is encrypted; give the key without a passphrase`], 'encrypted PKCS#1 (Proc-Type: 4,ENCRYPTED)')
  refused(t, { ...good, keyFile: pki.rsa.cert }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.rsa.cert)} is not a PEM private key: error:.+`], 'a certificate given as the key')
  const publicKey = file('rsa.pub', openssl(['pkey', '-in', pki.rsa.key, '-pubout']).toString('utf8'))
  refused(t, { ...good, keyFile: publicKey }, NOW, [line`PROFILE_SIGNING_KEY=${q(publicKey)} is not a PEM private key: .+`], 'a public key')
  const text = file('notes.txt', 'not a key at all\n')
  refused(t, { ...good, keyFile: text }, NOW, [line`PROFILE_SIGNING_KEY=${q(text)} is not a PEM private key: .+`], 'plain text')
  refused(t, { certFile: pki.ed25519.cert, keyFile: pki.ed25519.key }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.ed25519.key)} is a key of type ed25519, which cannot sign profiles \(use RSA or ECDSA\)`], 'Ed25519, with its own certificate')
  refused(t, { ...good, keyFile: pki.secp256k1Key }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.secp256k1Key)} is an EC key on secp256k1, which cannot sign here \(use P-256, P-384 or P-521\)`], 'a curve WebCrypto lacks')
})

t.test('a key that does not belong to the certificate', async (t) => {
  refused(t, { ...good, keyFile: pki.strayKey }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.strayKey)} does not belong to the certificate in PROFILE_SIGNING_CERT \(${pki.rsa.subject}\)`], 'another key')
  refused(t, { certFile: pki.p256.cert, keyFile: pki.p384.key }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.p384.key)} does not belong to the certificate in PROFILE_SIGNING_CERT \(${pki.p256.subject}\)`], 'another curve')
  refused(t, { certFile: pki.p256.fullchain, keyFile: pki.rsa.key }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.rsa.key)} does not belong to the certificate in PROFILE_SIGNING_CERT \(${pki.p256.subject}\)`], 'another key type; the leaf, not the bundled intermediate, is named')
  refused(t, { certFile: pki.intermediate.cert, keyFile: pki.p256.key, chainFile: pki.p256.cert }, NOW,
    [line`PROFILE_SIGNING_KEY=${q(pki.p256.key)} does not belong to the certificate in PROFILE_SIGNING_CERT \(CN=Test Profile Intermediate\)`],
    'the leaf given as the chain: the first certificate of PROFILE_SIGNING_CERT signs')
})

t.test('outside the validity period', async (t) => {
  const { notBefore, notAfter } = validity(pki.rsa.cert)
  t.ok(notAfter.getTime() - notBefore.getTime() === 30 * 86_400_000, 'openssl dates read back (30 days)')
  const expired = validity(pki.expired.cert).notAfter
  t.ok(expired.getTime() < Date.now(), 'the expired leaf\'s notAfter has passed on the real clock')
  refused(t, { certFile: pki.expired.cert, keyFile: pki.expired.key }, new Date(),
    [line`PROFILE_SIGNING_CERT=${q(pki.expired.cert)} expired on ${expired.toISOString()}; renew it`], 'a certificate whose validity has ended')
  refused(t, good, new Date(notAfter.getTime() + 1000),
    [line`PROFILE_SIGNING_CERT=${q(pki.rsa.cert)} expired on ${notAfter.toISOString()}; renew it`], 'a second after notAfter')
  refused(t, good, new Date(notBefore.getTime() - 1000),
    [line`PROFILE_SIGNING_CERT=${q(pki.rsa.cert)} is not valid before ${notBefore.toISOString()}`], 'a second before notBefore')
  t.equal(loadSigningCredentials(good, notAfter).certificate.subject.replaceAll('\n', ', '), pki.rsa.subject, 'valid at notAfter itself')
  t.equal(loadSigningCredentials(good, notBefore).certificate.subject.replaceAll('\n', ', '), pki.rsa.subject, 'valid at notBefore itself')
})

t.test('several problems: every line at once, in the order the files are read', async (t) => {
  const missing = join(pki.dir, 'missing-chain.pem')
  refused(t, { certFile: pki.rsa.key, keyFile: pki.ed25519.key, chainFile: missing }, NOW, [
    line`PROFILE_SIGNING_CHAIN=${q(missing)} cannot be read: ENOENT: no such file or directory, open '${missing}'`,
    line`PROFILE_SIGNING_CERT=${q(pki.rsa.key)} holds no PEM certificate \(-----BEGIN CERTIFICATE-----\)`,
    line`PROFILE_SIGNING_KEY=${q(pki.ed25519.key)} is a key of type ed25519, which cannot sign profiles \(use RSA or ECDSA\)`,
  ], 'chain, certificate and key')
  const { notAfter } = validity(pki.rsa.cert)
  refused(t, { certFile: pki.rsa.cert, keyFile: pki.strayKey, chainFile: pki.rsa.key }, new Date(notAfter.getTime() + 86_400_000), [
    line`PROFILE_SIGNING_CHAIN=${q(pki.rsa.key)} holds no PEM certificate \(-----BEGIN CERTIFICATE-----\)`,
    line`PROFILE_SIGNING_KEY=${q(pki.strayKey)} does not belong to the certificate in PROFILE_SIGNING_CERT \(${pki.rsa.subject}\)`,
    line`PROFILE_SIGNING_CERT=${q(pki.rsa.cert)} expired on ${notAfter.toISOString()}; renew it`,
  ], 'chain, key mismatch and expiry')
  refused(t, { certFile: pki.rsa.cert, keyFile: pki.rsa.encryptedKey }, new Date(notAfter.getTime() + 1000), [
    line`PROFILE_SIGNING_KEY=${q(pki.rsa.encryptedKey)} is encrypted; give the key without a passphrase`,
    line`PROFILE_SIGNING_CERT=${q(pki.rsa.cert)} expired on ${notAfter.toISOString()}; renew it`,
  ], 'an unreadable key does not hide the expiry')
})

/** The credentials' fields that say what was loaded. */
function summary (credentials: SigningCredentials): Record<string, unknown> {
  return {
    subject: credentials.certificate.subject.replaceAll('\n', ', '),
    certificate: credentials.certificate.raw.toString('base64'),
    chain: credentials.chain.map((c) => c.raw.toString('base64')),
    keyType: credentials.key.type,
    algorithm: credentials.algorithm,
  }
}

t.test('good files: the algorithm each key signs with', async (t) => {
  const leaf = (cert: string) => der(cert).toString('base64')
  t.same(summary(loadSigningCredentials({ certFile: pki.rsa.cert, keyFile: pki.rsa.key }, NOW)), {
    subject: pki.rsa.subject, certificate: leaf(pki.rsa.cert), chain: [], keyType: 'private', algorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  }, 'RSA 2048 (PKCS#8)')
  t.same(summary(loadSigningCredentials({ certFile: pki.p256.cert, keyFile: pki.p256.key }, NOW)), {
    subject: pki.p256.subject, certificate: leaf(pki.p256.cert), chain: [], keyType: 'private', algorithm: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
  }, 'EC P-256 (PKCS#8)')
  t.same(summary(loadSigningCredentials({ certFile: pki.p384.cert, keyFile: pki.p384.key }, NOW)), {
    subject: pki.p384.subject, certificate: leaf(pki.p384.cert), chain: [], keyType: 'private', algorithm: { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' },
  }, 'EC P-384 (PKCS#8)')
  t.same(loadSigningCredentials({ certFile: pki.rsa.cert, keyFile: pki.rsa.pkcs1Key }, NOW).algorithm, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'RSA as PKCS#1')
  t.same(loadSigningCredentials({ certFile: pki.p256.cert, keyFile: pki.p256.sec1Key }, NOW).algorithm, { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }, 'P-256 as SEC1')
})

t.test('the chain: bundled in the certificate file, in its own file, or both', async (t) => {
  const leaf = der(pki.p256.cert).toString('base64')
  const intermediate = der(pki.intermediate.cert).toString('base64')
  const fullchain = loadSigningCredentials({ certFile: pki.p256.fullchain, keyFile: pki.p256.key }, NOW)
  t.equal(summary(fullchain).certificate, leaf, 'fullchain.pem: the first certificate is the leaf')
  t.same(summary(fullchain).chain, [intermediate], 'and the intermediate after it is the chain (1)')
  const separate = loadSigningCredentials({ certFile: pki.p256.cert, keyFile: pki.p256.key, chainFile: pki.intermediate.cert }, NOW)
  t.equal(summary(separate).certificate, leaf, 'the leaf')
  t.same(summary(separate).chain, [intermediate], 'PROFILE_SIGNING_CHAIN: the intermediate (1)')
  const root = der(pki.root.cert).toString('base64')
  const both = loadSigningCredentials({ certFile: pki.p256.fullchain, keyFile: pki.p256.key, chainFile: pki.root.cert }, NOW)
  t.same(summary(both).chain, [intermediate, root], 'both: the bundled ones first, then the chain file\'s (2)')
})
