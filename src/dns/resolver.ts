/**
 * The one way this service asks DNS: Node's `Resolver` (c-ares; https://nodejs.org/api/dns.html#class-dnspromisesresolver)
 * on the configured servers (DNS_SERVERS; the system's when none), one try per server, each giving up after
 * `timeoutMs` (MX_TIMEOUT). Used by the MX step and by `dns --check`.
 */
import { Resolver } from 'node:dns/promises'

export function dnsResolver ({ servers, timeoutMs }: { servers?: readonly string[] | undefined, timeoutMs: number }): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 })
  if (servers !== undefined) resolver.setServers([...servers])
  return resolver
}
