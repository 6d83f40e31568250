/**
 * ProfileSigner against OpenSSL: a real Gmail profile signed with RSA, P-256 and P-384 keys from a throw-away PKI
 * (test/support/test-pki.ts) is accepted by `openssl cms -verify` up to the root, gives back the plist byte for
 * byte, and carries what `openssl smime -sign` would write (the signed attributes, SHA-256 or SHA-384, the leaf and
 * its intermediate). A signature from an unrelated CA, a chain left out, or one changed byte of content is
 * refused.
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadProviders } from '../../src/catalog/load.ts'
import { formatProblem } from '../../src/catalog/report.ts'
import { parseEmailAddress } from '../../src/model/email-address.ts'
import { renderMobileconfig } from '../../src/render/mobileconfig.ts'
import { loadSigningCredentials, type SigningFiles } from '../../src/signing/credentials.ts'
import { ProfileSigner } from '../../src/signing/sign-profile.ts'
import { BUNDLED_DIR } from '../helper.ts'
import { createTestPki, opensslResult } from '../support/test-pki.ts'

const pki = createTestPki(t)

const loaded = await loadProviders(BUNDLED_DIR)
if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'))
const gmail = loaded.catalog.match('gmail.com')!.provider
const PLIST = renderMobileconfig(gmail, { address: parseEmailAddress('alice@gmail.com')! })!
const CONTENT = Buffer.from(PLIST, 'utf8')
/** Milliseconds are dropped: UTCTime has whole seconds. */
const SIGNING_TIME = new Date('2031-11-23T14:05:09.678Z')
const SIGNING_TIME_PRINTED = 'Nov 23 14:05:09 2031 GMT'

t.ok(PLIST.startsWith('<?xml') && PLIST.includes('<string>alice@gmail.com</string>'), 'a real Gmail profile to sign')

let files = 0
async function signedFile (credentials: SigningFiles, content: Buffer = CONTENT): Promise<string> {
  const signer = await ProfileSigner.create(loadSigningCredentials(credentials, new Date()))
  const path = join(pki.dir, `signed-${++files}.mobileconfig`)
  writeFileSync(path, await signer.sign(content, SIGNING_TIME))
  return path
}

/** `openssl cms -verify` of a DER file; the encapsulated content when it succeeds. */
function verify (file: string, caFile: string, extra: string[] = []): { status: number | null, stderr: string, content: Buffer | undefined } {
  const out = `${file}.content`
  const result = opensslResult(['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', caFile, '-out', out, ...extra])
  return { status: result.status, stderr: result.stderr, content: result.status === 0 ? readFileSync(out) : undefined }
}

/** `openssl cms -cmsout -print`: the structure as OpenSSL reads it. */
function printed (file: string): string {
  const result = opensslResult(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file])
  if (result.status !== 0) throw new Error(`openssl cms -print failed: ${result.stderr}`)
  return result.stdout
}

/** The text between two headings of the printout. */
function section (text: string, from: string, to: string): string {
  const start = text.indexOf(from)
  const end = text.indexOf(to, start + from.length)
  if (start === -1 || end === -1) throw new Error(`no ${from} … ${to} in:\n${text}`)
  return text.slice(start + from.length, end)
}

/** The bytes of OpenSSL's hex dump lines (`0000 - 1f 9d 05-b6 …   ascii`). */
function hexDump (text: string): string {
  return [...text.matchAll(/^\s*[0-9a-f]{4} - ((?:[0-9a-f]{2}[ -])+)/gm)].map((m) => m[1]!.replace(/[ -]/g, '')).join('')
}

const KEYS = [
  { name: 'RSA 2048', leaf: pki.rsa, digest: 'sha256', signature: 'sha256WithRSAEncryption' },
  { name: 'EC P-256', leaf: pki.p256, digest: 'sha256', signature: 'ecdsa-with-SHA256' },
  { name: 'EC P-384', leaf: pki.p384, digest: 'sha384', signature: 'ecdsa-with-SHA384' },
] as const

for (const { name, leaf, digest, signature } of KEYS) {
  t.test(`${name}: openssl cms -verify accepts it up to the root and gives back the plist`, async (t) => {
    const file = await signedFile({ certFile: leaf.fullchain, keyFile: leaf.key })
    const good = verify(file, pki.root.cert)
    t.equal(good.status, 0, 'verified with only the root as trust anchor', { stderr: good.stderr })
    t.match(good.stderr, /^CMS Verification successful$/m, 'openssl says so')
    t.ok(good.content?.equals(CONTENT), 'the encapsulated content is the plist, byte for byte')

    const unrelated = verify(file, pki.unrelatedRoot.cert)
    t.not(unrelated.status, 0, 'refused against an unrelated CA')
    t.match(unrelated.stderr, /Verify error: ?unable to get local issuer certificate/, 'no issuer found for the intermediate')

    const text = printed(file)
    t.match(text, /^ {2}contentType: pkcs7-signedData \(1\.2\.840\.113549\.1\.7\.2\)$/m, 'a ContentInfo holding SignedData')
    t.match(section(text, 'encapContentInfo:', 'certificates:'), /eContentType: pkcs7-data \(1\.2\.840\.113549\.1\.7\.1\)/, 'encapsulating id-data')
    t.match(section(text, 'digestAlgorithms:', 'encapContentInfo:'), new RegExp(`^\\s+algorithm: ${digest} \\(`, 'm'), `SignedData.digestAlgorithms: ${digest}`)
    const signerInfo = section(text, 'signerInfos:', 'unsignedAttrs:')
    t.match(signerInfo, /d\.issuerAndSerialNumber: \n\s+issuer: CN=Test Profile Intermediate\n/, 'the signer named by issuer and serial number')
    t.match(section(signerInfo, 'digestAlgorithm:', 'signedAttrs:'), new RegExp(`^\\s+algorithm: ${digest} \\(`, 'm'), `SignerInfo.digestAlgorithm: ${digest}`)
    t.match(section(signerInfo, 'signatureAlgorithm:', 'signature:'), new RegExp(`^\\s+algorithm: ${signature} \\(`, 'm'), `signed with ${signature}`)

    const attributes = section(signerInfo, 'signedAttrs:', 'signatureAlgorithm:')
    t.same([...attributes.matchAll(/object: (\w+) \(/g)].map((m) => m[1]), ['contentType', 'signingTime', 'messageDigest'], 'the signed attributes OpenSSL writes')
    t.match(section(attributes, 'contentType', 'signingTime'), /OBJECT:pkcs7-data \(1\.2\.840\.113549\.1\.7\.1\)/, 'content type id-data')
    t.match(section(attributes, 'signingTime', 'messageDigest'), new RegExp(`^\\s+UTCTIME:${SIGNING_TIME_PRINTED}$`, 'm'), 'the signing time passed in')
    t.equal(hexDump(attributes.slice(attributes.indexOf('messageDigest'))), createHash(digest).update(CONTENT).digest('hex'), `the message digest is the plist's ${digest}`)

    const certificates = section(text, 'certificates:', 'crls:')
    t.same([...certificates.matchAll(/^\s+subject: (.+)$/gm)].map((m) => m[1]), [leaf.subject, 'CN=Test Profile Intermediate'], 'the leaf and the intermediate, not the root')
  })
}

t.test('the chain is embedded: a signature without the intermediate needs it given to the verifier', async (t) => {
  const leafOnly = await signedFile({ certFile: pki.p256.cert, keyFile: pki.p256.key })
  const alone = verify(leafOnly, pki.root.cert)
  t.not(alone.status, 0, 'a signature carrying only the leaf does not lead to the root')
  t.match(alone.stderr, /Verify error: ?unable to get local issuer certificate/, 'no issuer found for the leaf')
  // OpenSSL 3.0's `cms -verify -certfile` only looks for the signer's certificate there, not for its issuers (and
  // `cms` has no -untrusted), so the intermediate is given beside the root instead.
  const rootAndIntermediate = join(pki.dir, 'root-and-intermediate.pem')
  writeFileSync(rootAndIntermediate, Buffer.concat([readFileSync(pki.root.cert), readFileSync(pki.intermediate.cert)]))
  const helped = verify(leafOnly, rootAndIntermediate)
  t.equal(helped.status, 0, 'it does once the intermediate is given beside the root', { stderr: helped.stderr })
  t.ok(helped.content?.equals(CONTENT), 'and gives back the plist')
  t.same([...section(printed(leafOnly), 'certificates:', 'crls:').matchAll(/^\s+subject: (.+)$/gm)].map((m) => m[1]), [pki.p256.subject], 'only the leaf is included')

  const chained = await signedFile({ certFile: pki.p256.cert, keyFile: pki.p256.key, chainFile: pki.intermediate.cert })
  const embedded = verify(chained, pki.root.cert)
  t.equal(embedded.status, 0, 'with PROFILE_SIGNING_CHAIN the intermediate travels in the signature', { stderr: embedded.stderr })
  t.ok(embedded.content?.equals(CONTENT), 'and gives back the plist')
})

t.test('one changed byte of the encapsulated content: refused', async (t) => {
  for (const { name, leaf } of KEYS) {
    const file = await signedFile({ certFile: leaf.fullchain, keyFile: leaf.key })
    const der = readFileSync(file)
    const at = der.indexOf(CONTENT)
    t.ok(at > 0 && der.indexOf(CONTENT, at + 1) === -1, `${name}: the plist is in the DER once`)
    const changed = Buffer.from(der)
    changed[at + Math.floor(CONTENT.length / 2)]! ^= 0x01
    writeFileSync(file, changed)
    const result = verify(file, pki.root.cert)
    t.not(result.status, 0, `${name}: verification fails`)
    t.match(result.stderr, /digest failure|content verify error/, `${name}: on the message digest`)
    writeFileSync(file, der)
    t.equal(verify(file, pki.root.cert).status, 0, `${name}: the untouched file still verifies`)
  }
})

t.test('another content gets its own digest', async (t) => {
  const other = Buffer.from(PLIST.replace('alice@gmail.com', 'bob@gmail.com'), 'utf8')
  const file = await signedFile({ certFile: pki.rsa.fullchain, keyFile: pki.rsa.key }, other)
  const result = verify(file, pki.root.cert)
  t.equal(result.status, 0, 'verified', { stderr: result.stderr })
  t.ok(result.content?.equals(other), 'the other content, byte for byte')
  const attributes = section(printed(file), 'signedAttrs:', 'signatureAlgorithm:')
  t.equal(hexDump(attributes.slice(attributes.indexOf('messageDigest'))), createHash('sha256').update(other).digest('hex'), 'its sha256')
})

t.test('a signing time from 2050 on is a GeneralizedTime (RFC 5652 §11.3), before it a UTCTime', async (t) => {
  const signer = await ProfileSigner.create(loadSigningCredentials({ certFile: pki.p256.cert, keyFile: pki.p256.key }, new Date()))
  const timeIn = async (date: Date): Promise<string> => {
    const path = join(pki.dir, `signed-${++files}.mobileconfig`)
    writeFileSync(path, await signer.sign(CONTENT, date))
    return section(printed(path), 'signingTime', 'messageDigest')
  }
  t.match(await timeIn(new Date('2049-12-31T23:59:59Z')), /^\s+UTCTIME:Dec 31 23:59:59 2049 GMT$/m)
  t.match(await timeIn(new Date('2050-01-01T00:00:00Z')), /^\s+GENERALIZEDTIME:Jan {2}1 00:00:00 2050 GMT$/m)
})

t.test('a TLS server certificate (serverAuth only, as Let\'s Encrypt issues them) signs too; openssl then needs -purpose any', async (t) => {
  const file = await signedFile({ certFile: pki.tls.cert, keyFile: pki.tls.key, chainFile: pki.intermediate.cert })
  const strict = verify(file, pki.root.cert)
  t.not(strict.status, 0, 'openssl\'s default purpose is S/MIME signing')
  t.match(strict.stderr, /unsuitable certificate purpose/)
  const any = verify(file, pki.root.cert, ['-purpose', 'any'])
  t.equal(any.status, 0, 'verified with -purpose any, the README\'s command', { stderr: any.stderr })
  t.ok(any.content?.equals(CONTENT), 'the plist, byte for byte')
})
