/**
 * The container's HEALTHCHECK: asks this server's own /readyz and exits 0 when ready, 1 otherwise. Node is in the
 * image already, so the check needs no curl; it reads the same HOST, PORT and TLS settings as the server, so it
 * keeps working when an admin changes them.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { loadConfig, type Config } from '../config.ts'

/** Where to reach a server listening on `host`: a wildcard address is reached on loopback. */
export function probeUrl (config: Pick<Config, 'host' | 'port' | 'tls'>): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const hostPart = host.includes(':') ? `[${host}]` : host
  return `${config.tls === undefined ? 'http' : 'https'}://${hostPart}:${config.port}/readyz`
}

/** True when /readyz answers 200 within `timeoutMs`. The certificate is not checked: this is the server itself. */
export function isReady (url: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest
    const req = request(url, { timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve(false))
    req.end()
  })
}

/** The check as the container runs it: 0 when this server is ready, 1 otherwise. */
export async function main (env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return await isReady(probeUrl(loadConfig(env))) ? 0 : 1
}
