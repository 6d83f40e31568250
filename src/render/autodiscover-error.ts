/**
 * Autodiscover Error documents. [MS-OXDSCLI] §3.2.5: when the server cannot answer it SHOULD send a response
 * with an `Error` element; [MS-ASCMD] §2.2.3.153.1 says the same for errors "in the Autodiscover command
 * framework", which is what ours are (the request, not a provider, is at fault). Such an error `Response` has no
 * namespace of its own, so it sits in the root's responseschema/2006 (wdes AutodiscoverResponseError.xsd), and
 * `Time` (xs:time) and `Id` (xs:unsignedInt) are required attributes.
 *
 * Codes (https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdscli/713ef4f4-83b2-4375-9d64-60c97ee5b166
 * and MS-ASCMD ErrorCode, https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-ascmd/332cb53e-264c-4918-9d69-8418b5cb53f7):
 * 500 the address cannot be found, 600 invalid request, 601 the requested schema cannot be served,
 * 603 internal server error.
 */
import { RESPONSE_NAMESPACE } from './autodiscover-schemas.ts'
import { ATTR, buildXml } from './xml.ts'

export type AutodiscoverErrorCode = 500 | 600 | 601 | 603

export interface AutodiscoverError {
  errorCode: AutodiscoverErrorCode
  /** What went wrong and what to do, for the person reading the client's log. */
  message: string
  /** Our catalog code (src/errors.ts), so the answer can be matched with the server's log. */
  debugData: string
  /** When the error happened, `HH:MM:SS.fff` (UTC); passed in, since a renderer reads no clock. */
  time: string
  /** A number identifying this answer in the server's log. */
  id: number
}

export function renderAutodiscoverError (error: AutodiscoverError): string {
  return buildXml({
    Autodiscover: {
      [`${ATTR}xmlns`]: RESPONSE_NAMESPACE,
      Response: {
        Error: {
          [`${ATTR}Time`]: error.time,
          [`${ATTR}Id`]: error.id,
          ErrorCode: error.errorCode,
          Message: error.message,
          DebugData: error.debugData,
        },
      },
    },
  })
}
