import t from 'tap'
import { isReady, main, probeUrl } from '../../src/process/healthcheck.ts'
import { loadConfig } from '../../src/config.ts'
import { startServer } from '../../src/server.ts'

t.test('the probe URL follows HOST, PORT and TLS', async (t) => {
  const tls = { certFile: 'c', keyFile: 'k' }
  t.equal(probeUrl({ host: '0.0.0.0', port: 8080, tls: undefined }), 'http://127.0.0.1:8080/readyz')
  t.equal(probeUrl({ host: '::', port: 80, tls: undefined }), 'http://127.0.0.1:80/readyz')
  t.equal(probeUrl({ host: '10.1.2.3', port: 8443, tls }), 'https://10.1.2.3:8443/readyz')
  t.equal(probeUrl({ host: '::1', port: 8080, tls: undefined }), 'http://[::1]:8080/readyz')
})

t.test('ready while serving, not once stopped', async (t) => {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' })
  const server = await startServer(config, { signals: false })
  if (server === undefined) throw new Error('did not start')
  const url = `${server.address}/readyz`
  const env = { HOST: '127.0.0.1', PORT: new URL(server.address).port }
  t.equal(await isReady(url), true)
  t.equal(await main(env), 0, 'the exit code the container sees')
  await server.stop()
  t.equal(await isReady(url, 500), false)
  t.equal(await main(env), 1)
})
