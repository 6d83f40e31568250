/**
 * Signs Apple profiles: a signed profile is a DER CMS SignedData (RFC 5652) whose encapsulated content is the
 * plist, with the signer's certificate and its intermediates included; iOS and macOS then show "Verified" when the
 * chain leads to a root they trust (Apple Developer Forums 699960; the equivalent of `openssl smime -sign -nodetach
 * -outform der -signer cert.pem -inkey key.pem -certfile chain.pem`, which sys4/automx ran). Same file extension
 * and media type as an unsigned profile.
 *
 * Made in process with PKI.js over Node's WebCrypto, so RSA and ECDSA keys (certbot's default since 2.0) both
 * work. The signed attributes are the ones OpenSSL writes: content type, signing time and message digest
 * (RFC 5652 §5.3, §11). Every answer is signed anew and nothing signed is cached; the certificate and key are read
 * at start (signing/credentials.ts), so a renewed certificate is used from the next start on.
 */
import { createHash, webcrypto } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import type { SigningCredentials } from './credentials.ts'

/** RFC 5652 §4 id-data, §5.1 id-signedData; §11.1 content-type, §11.2 message-digest, §11.3 signing-time. */
const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const

/** Node's digest names for the WebCrypto ones. */
const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const satisfies Record<string, string>

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto })

function pkijsCertificate (der: Buffer): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(der))
}

/** RFC 5652 §11.3 (after RFC 5280 §4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050 on. */
function signingTimeValue (date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  return date.getUTCFullYear() < 2050 ? new asn1js.UTCTime({ valueDate: date }) : new asn1js.GeneralizedTime({ valueDate: date })
}

export class ProfileSigner {
  private constructor (
    private readonly credentials: SigningCredentials,
    private readonly key: CryptoKey,
    private readonly signer: pkijs.Certificate,
    private readonly chain: pkijs.Certificate[],
  ) {}

  static async create (credentials: SigningCredentials): Promise<ProfileSigner> {
    const { name, hash } = credentials.algorithm
    const pkcs8 = credentials.key.export({ type: 'pkcs8', format: 'der' })
    const algorithm = credentials.algorithm.name === 'ECDSA' ? { name, namedCurve: credentials.algorithm.namedCurve } : { name, hash }
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']) as unknown as CryptoKey
    return new ProfileSigner(credentials, key, pkijsCertificate(credentials.certificate.raw), credentials.chain.map((c) => pkijsCertificate(c.raw)))
  }

  /** The certificate's subject, for the start-up log line. */
  get subject (): string {
    return this.credentials.certificate.subject.replaceAll('\n', ', ')
  }

  /** When the certificate's validity ends (profiles signed later show as unverified). */
  get validTo (): Date {
    return new Date(this.credentials.certificate.validTo)
  }

  /** The profile as a DER ContentInfo holding SignedData with `content` encapsulated. */
  async sign (content: Buffer, signingTime: Date): Promise<Buffer> {
    const hash = this.credentials.algorithm.hash
    const digest = createHash(NODE_HASH[hash as keyof typeof NODE_HASH]).update(content).digest()
    const signedData = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: OID.data,
        eContent: new asn1js.OctetString({ valueHex: new Uint8Array(content) }),
      }),
      signerInfos: [new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: this.signer.issuer, serialNumber: this.signer.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
            new pkijs.Attribute({ type: OID.signingTime, values: [signingTimeValue(signingTime)] }),
            new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: new Uint8Array(digest) })] }),
          ],
        }),
      })],
      certificates: [this.signer, ...this.chain],
    })
    await signedData.sign(this.key, 0, hash, undefined, engine)
    const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) })
    return Buffer.from(contentInfo.toSchema().toBER(false))
  }
}
