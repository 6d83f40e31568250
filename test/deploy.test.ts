/**
 * The Dockerfile and the deployment examples stay true to the code: every variable they set is one the server
 * knows and accepts, probes and ports are the real ones, and the providers shipped in the ConfigMap are valid.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import semver from 'semver'
import t from 'tap'
import { parseAllDocuments, parse } from 'yaml'
import { buildCatalog } from '../src/catalog/load.ts'
import { formatProblem } from '../src/catalog/report.ts'
import { loadConfig, SETTING_NAMES } from '../src/config.ts'
import { HEALTH_PATH, READY_PATH, TLS_ASK_PATH } from '../src/http/paths.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (path: string) => readFileSync(`${ROOT}/${path}`, 'utf8')
const K8S = 'deploy/kubernetes'

/** Environment values a deployment sets must be known settings that loadConfig accepts (one line per problem). */
function checkEnvironment (t: { ok: (v: unknown, m: string) => void, doesNotThrow: (fn: () => void, m: string) => void }, env: Record<string, string>, where: string) {
  for (const name of Object.keys(env)) t.ok((SETTING_NAMES as string[]).includes(name), `${where}: ${name} is a setting`)
  const { PROVIDERS_DIR: _dir, ...rest } = env
  t.doesNotThrow(() => loadConfig(rest), `${where}: values are valid`)
}

t.test('Dockerfile: runtime stage as documented', async (t) => {
  const dockerfile = read('Dockerfile')
  const stages = dockerfile.match(/^FROM .*/gm)
  t.same(stages, ['FROM node:24-bookworm-slim AS build', 'FROM node:24-bookworm-slim'], 'both stages on the LTS line')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '))
  t.match(runtime, /RUN npm ci --omit=dev/)
  t.match(runtime, /PROVIDERS_DIR=\/app\/providers/)
  t.match(runtime, /^COPY providers \.\/providers$/m)
  t.match(runtime, /^USER node$/m)
  t.match(runtime, /^EXPOSE 8080$/m, 'the default PORT')
  t.equal(loadConfig({}).port, 8080)
  t.match(runtime, /^HEALTHCHECK .* CMD \["node", "dist\/healthcheck\.js"\]$/m)
  t.ok(existsSync(`${ROOT}/src/bin/healthcheck.ts`))
  t.match(runtime, /^CMD \["node", "dist\/server\.js"\]$/m, 'node itself is PID 1, so SIGTERM reaches the server')
  t.match(read('.dockerignore'), /^node_modules$/m)
})

t.test('engines: the Node lines every production dependency supports, the image\'s among them', async (t) => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } }
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean, version?: string, engines?: { node?: string } | string[] }> }
  const ours = pkg.engines.node
  for (const [path, entry] of Object.entries(lock.packages)) {
    const theirs = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    if (path === '' || entry.dev === true || theirs === undefined) continue
    t.ok(semver.subset(ours, theirs), `${path.replace(/^.*node_modules\//, '')}@${entry.version} supports ${ours} (it says ${theirs})`)
  }
  const imageMajor = /^FROM node:(\d+)-/m.exec(read('Dockerfile'))![1]!
  t.ok(semver.satisfies(`${imageMajor}.0.0`, ours) || semver.satisfies(`${imageMajor}.99.0`, ours), `the image's Node ${imageMajor} is in ${ours}`)
  t.match(read('README.md'), new RegExp(`Node\\.js ${semver.minVersion(ours)!.major}\\b`), 'the README names the oldest supported line')
})

/**
 * Whether .dockerignore leaves `path` in the build context: its patterns in order, the last that matches wins
 * (`!` re-includes); `*` stands for any part of one path segment, and a pattern also covers what is below it.
 * The subset of Docker's rules (https://docs.docker.com/build/concepts/context/#dockerignore-files) this file uses.
 */
function inBuildContext (path: string): boolean {
  let included = true
  for (const line of read('.dockerignore').split('\n')) {
    const rule = line.trim()
    if (rule === '' || rule.startsWith('#')) continue
    const negated = rule.startsWith('!')
    const pattern = new RegExp(`^${(negated ? rule.slice(1) : rule).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}(/.*)?$`)
    if (pattern.test(path)) included = negated
  }
  return included
}

t.test('.dockerignore keeps everything the Dockerfile copies from the checkout', async (t) => {
  const copied = [...read('Dockerfile').matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '))
  t.ok(copied.includes('scripts/build.ts') && copied.includes('src'), 'the build stage copies the build script and src')
  for (const path of copied) {
    t.ok(existsSync(`${ROOT}/${path}`), `${path} exists`)
    t.ok(inBuildContext(path), `${path} is in the build context`)
  }
  t.notOk(inBuildContext('scripts/container-smoke.sh'), 'the rest of scripts/ is left out')
  t.notOk(inBuildContext('node_modules/fastify/package.json'))
})

t.test('compose: a TLS proxy asks the service before getting certificates', async (t) => {
  const compose = parse(read('deploy/compose.yaml'))
  const service = compose.services['mail-autoconfig']
  checkEnvironment(t, { ...service.environment, REDIS_URL: 'redis://redis:6379' }, 'compose')
  t.match(service.volumes, [/:\/app\/providers:ro$/])
  t.notOk('ports' in service, 'only the proxy is published')
  t.match(compose.services.proxy.ports, ['80:80', '443:443', '443:443/udp'])
  t.same(compose.services.proxy.depends_on, { 'mail-autoconfig': { condition: 'service_healthy' } })
  const caddyfile = read('deploy/Caddyfile')
  t.match(caddyfile, new RegExp(`ask http://mail-autoconfig:8080${TLS_ASK_PATH}\\n`))
  t.match(caddyfile, /reverse_proxy \{\n\s+dynamic a mail-autoconfig 8080 \{/, 'the proxy spreads requests over every replica')
})

t.test('compose: several replicas share one Redis, which they do not wait for', async (t) => {
  const compose = parse(read('deploy/compose.yaml'))
  const service = compose.services['mail-autoconfig']
  t.match(service.deploy.replicas, /^\$\{REPLICAS:-[2-9]\}$/, 'several replicas, as many as REPLICAS says')
  t.same(loadConfig({ REDIS_URL: service.environment.REDIS_URL }).redis, { url: 'redis://redis:6379', timeoutMs: 100 })
  t.ok('redis' in compose.services, 'the service REDIS_URL names')
  t.match(compose.services.redis.command, ['redis-server', '--save', '', '--appendonly', 'no'])
  t.notOk('ports' in compose.services.redis, 'Redis is not published')
  t.notOk('depends_on' in service, 'Redis is not a dependency of the replicas')
})

t.test('kubernetes: probes, ports, selectors and the providers ConfigMap', async (t) => {
  const kustomization = parse(read(`${K8S}/kustomization.yaml`))
  const docs = Object.fromEntries((kustomization.resources as string[]).map((file) => {
    const [doc, ...more] = parseAllDocuments(read(`${K8S}/${file}`))
    t.equal(more.length, 0, `${file}: one object`)
    const object = doc!.toJS()
    return [object.metadata.name === 'mail-autoconfig-redis' ? `Redis ${object.kind}` : object.kind, object]
  }))
  t.same(Object.keys(docs).sort(), ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Redis Deployment', 'Redis Service', 'Service'])

  const pod = docs.Deployment.spec.template
  const container = pod.spec.containers[0]
  const env = Object.fromEntries(container.env.map((e: { name: string, value: string }) => [e.name, e.value]))
  checkEnvironment(t, env, 'deployment')
  t.equal(container.ports[0].containerPort, Number(env.PORT))
  t.equal(container.volumeMounts[0].mountPath, env.PROVIDERS_DIR)
  t.equal(container.readinessProbe.httpGet.path, READY_PATH)
  t.equal(container.startupProbe.httpGet.path, READY_PATH)
  t.equal(container.livenessProbe.httpGet.path, HEALTH_PATH)
  t.ok(container.resources.requests.cpu && container.resources.limits.memory, 'requests and limits')
  t.equal(pod.spec.securityContext.runAsUser, 1000, 'the image\'s node user')
  t.ok(pod.spec.terminationGracePeriodSeconds * 1000 > 5000 + 20_000, 'grace covers preStop and SHUTDOWN_TIMEOUT')

  const labels = pod.metadata.labels
  for (const kind of ['Deployment', 'PodDisruptionBudget']) t.same(docs[kind].spec.selector.matchLabels, labels, `${kind} selects the pods`)
  t.same(docs.Service.spec.selector, labels)
  t.equal(docs.Service.spec.ports[0].targetPort, container.ports[0].name)
  t.equal(docs.HorizontalPodAutoscaler.spec.scaleTargetRef.name, docs.Deployment.metadata.name)
  t.equal(pod.spec.volumes[0].configMap.name, docs.ConfigMap.metadata.name)

  const redisUrl = new URL(env.REDIS_URL)
  const redisService = docs['Redis Service']
  const redisPod = docs['Redis Deployment'].spec.template
  t.equal(redisUrl.hostname, redisService.metadata.name, 'REDIS_URL names the Redis Service')
  t.equal(Number(redisUrl.port), redisService.spec.ports[0].port)
  t.same(redisService.spec.selector, redisPod.metadata.labels, 'which selects the Redis pod')
  t.same(docs['Redis Deployment'].spec.selector.matchLabels, redisPod.metadata.labels)
  t.notSame(redisPod.metadata.labels, labels, 'and not the replicas, nor they it')
  t.equal(redisService.spec.ports[0].targetPort, redisPod.spec.containers[0].ports[0].name)
  t.match(redisPod.spec.containers[0].args, ['--save', '', '--appendonly', 'no'])
  t.ok(kustomization.images.some((image: { name: string }) => image.name === redisPod.spec.containers[0].image), 'the Redis image is pinned in the kustomization')

  const loaded = buildCatalog(Object.entries(docs.ConfigMap.data as Record<string, string>).map(([file, text]) => ({ file, text })))
  t.ok(loaded.ok, loaded.ok ? 'the ConfigMap\'s providers are valid' : loaded.problems.map(formatProblem).join('\n'))
})
