#!/usr/bin/env bash
# Container smoke test: builds the image from the Dockerfile and runs it the way an admin would.
#   1. bundled providers: /readyz answers, Gmail's autoconfig and settings page are served, the HEALTHCHECK passes;
#   2. a custom providers directory mounted over /app/providers: it replaces the bundled ones, and an edit to it
#      is served without a restart;
#   each run stops with SIGTERM and must exit 0. Containers, the image's temporary files and the providers
# directory are removed however the script ends. Only 127.0.0.1 is used (host network, a free loopback port).
#
# Needs podman (installed by the shared node-base-image.sh when missing) and the shared tools beside the
# checkout (../shared/tools), or SHARED_TOOLS=/path/to/tools.
set -euo pipefail
cd "$(dirname "$0")/.."

tools=${SHARED_TOOLS:-}
if [ -z "$tools" ]; then
  for candidate in ../shared/tools ../../shared/tools; do
    if [ -x "$candidate/podman.sh" ]; then tools=$(cd "$candidate" && pwd); break; fi
  done
fi
[ -n "$tools" ] || { echo "container-smoke: shared tools not found (set SHARED_TOOLS)" >&2; exit 1; }
# Without systemd, podman complains on every run that it cannot schedule the HEALTHCHECK timer; that one
# message is noise here (the check is run on demand below), everything else podman says is kept.
podman() { "$tools/podman.sh" "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }

image=localhost/mail-autoconfig:smoke
name=mail-autoconfig-smoke-$$
providers=$(mktemp -d /tmp/mail-autoconfig-smoke.XXXXXX)
cleanup() {
  podman rm --force --time 0 "$name" >/dev/null 2>&1 || true
  podman rmi --force "$image" >/dev/null 2>&1 || true
  rm -rf "$providers" "$providers.build.log" "$providers.signing"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

# GET a URL on loopback; prints "<status> <body>". Node is what the project needs anyway; no curl assumed.
get() {
  node -e '
    const ctl = AbortSignal.timeout(5000)
    fetch(process.argv[1], { signal: ctl }).then(async (r) => console.log(r.status, (await r.text()).replace(/\s+/g, " ")))
      .catch((e) => { console.log(0, e.message); process.exitCode = 0 })' "$1"
}

expect() { # expect <url> <status> <regex> <what>
  local answer
  answer=$(get "$1")
  if [[ "$answer" =~ ^$2\  ]] && grep -Eq -- "$3" <<<"$answer"; then
    echo "ok: $4"
  else
    echo "FAILED: $4: GET $1 gave: ${answer:0:300}" >&2
    podman logs --tail 20 "$name" >&2 || true
    exit 1
  fi
}

wait_ready() { # wait_ready <base url>: up to 30 s for /readyz to answer 200
  for _ in $(seq 1 60); do
    if [[ "$(get "$1/readyz")" =~ ^200\  ]]; then echo "ok: /readyz is 200"; return 0; fi
    if [ "$(podman inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != "true" ]; then break; fi
    sleep 0.5
  done
  echo "FAILED: not ready within 30 s" >&2
  podman logs --tail 40 "$name" >&2 || true
  exit 1
}

stop_expect_zero() { # SIGTERM (podman stop), then the exit code must be 0
  local started code
  started=$(date +%s)
  podman stop --time 20 "$name" >/dev/null
  code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
  if [ "$code" != "0" ]; then
    echo "FAILED: exit code $code after SIGTERM" >&2
    podman logs --tail 20 "$name" >&2 || true
    exit 1
  fi
  podman logs "$name" 2>&1 | grep -q '"msg":"stopping: finishing requests in flight"' \
    || { echo "FAILED: the server did not log a graceful stop" >&2; exit 1; }
  echo "ok: SIGTERM → graceful stop, exit code 0 after $(( $(date +%s) - started )) s"
  podman rm "$name" >/dev/null
}

free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}

node_major=$(grep -oE '^FROM node:[0-9]+' Dockerfile | head -n1 | cut -d: -f2)
step "base image (a local stand-in for node:$node_major-bookworm-slim, the one the Dockerfile names)"
"$tools/node-base-image.sh"

step "build $image"
# Docker format keeps the HEALTHCHECK (the OCI format has no field for it).
build_log="$providers.build.log"
if ! "$tools/podman.sh" build --pull=never --network=host --format docker -t "$image" . >"$build_log" 2>&1; then
  tail -n 60 "$build_log" >&2
  echo "FAILED: podman build" >&2
  exit 1
fi
grep -E "^(\[[0-9]+/[0-9]+\] )?STEP [0-9]+|^Successfully tagged" "$build_log" || true
podman image inspect --format 'user={{.Config.User}} cmd={{.Config.Cmd}} healthcheck={{.Config.Healthcheck.Test}}' "$image"

port=$(free_port)
base=http://127.0.0.1:$port

run=(podman run -d --name "$name" --network=host -e HOST=127.0.0.1 -e PORT="$port")

step "run with the bundled providers on $base"
"${run[@]}" "$image" >/dev/null
wait_ready "$base"
expect "$base/mail/config-v1.1.xml?emailaddress=alice@gmail.com" 200 '<hostname>imap\.gmail\.com</hostname>' "Gmail's autoconfig is served"
expect "$base/v1.1/unknown.example" 404 'UNKNOWN_DOMAIN' "an unknown domain is 404"
expect "$base/settings?email=alice@gmail.com" 200 'data-copy="IMAP server name">imap\.gmail\.com<' "the settings page (templates shipped in dist/views)"
expect "$base/assets/settings.css" 200 'prefers-color-scheme' "the settings page's stylesheet (dist/public)"
expect "$base/metrics" 200 'mail_autoconfig_requests_total\{kind="autoconfig",outcome="served"\} 1' "metrics count the request"
expect "$base/mobileconfig?emailaddress=alice@gmail.com" 200 '<string>com\.apple\.mail\.managed</string>' "an unsigned Apple profile (a plist)"
podman healthcheck run "$name" && echo "ok: the image's HEALTHCHECK passes"
[ "$(podman exec "$name" id -un)" = node ] && echo "ok: runs as the node user"
running_node=$(podman exec "$name" node --version)
[[ "$running_node" == "v$node_major."* ]] || { echo "FAILED: the image runs Node $running_node, not the Dockerfile's $node_major" >&2; exit 1; }
echo "ok: runs Node $running_node"
stop_expect_zero

step "run with a custom providers directory mounted over /app/providers"
provider() { printf 'name: Smoke Mail\ndomains: [smoke.test]\nincoming:\n  - type: imap\n    host: %s\noutgoing:\n  - host: smtp.smoke.test\n' "$1"; }
provider imap.smoke.test > "$providers/smoke.yaml"
chmod 755 "$providers" && chmod 644 "$providers/smoke.yaml"
"${run[@]}" -v "$providers:/app/providers:ro" "$image" >/dev/null
wait_ready "$base"
expect "$base/v1.1/smoke.test" 200 '<hostname>imap\.smoke\.test</hostname>' "the mounted provider is served"
expect "$base/v1.1/gmail.com" 404 'UNKNOWN_DOMAIN' "the mount replaces the bundled providers"
provider imap2.smoke.test > "$providers/smoke.yaml.tmp" && chmod 644 "$providers/smoke.yaml.tmp" && mv "$providers/smoke.yaml.tmp" "$providers/smoke.yaml"
for _ in $(seq 1 20); do
  [[ "$(get "$base/v1.1/smoke.test")" == *imap2.smoke.test* ]] && break
  sleep 0.2
done
expect "$base/v1.1/smoke.test" 200 '<hostname>imap2\.smoke\.test</hostname>' "an edit to the mounted directory is served without a restart"
stop_expect_zero

step "run with a profile-signing certificate mounted into the container"
# The signing modules are loaded only when signing is configured (process/running-server.ts): their bundle chunks
# must be in the image too. A self-signed certificate is its own trust anchor for the check.
signing="$providers.signing"
mkdir -p "$signing"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$signing/key.pem" -out "$signing/cert.pem" -days 2 \
  -subj "/CN=smoke.test" -addext keyUsage=critical,digitalSignature -addext extendedKeyUsage=emailProtection 2>/dev/null
chmod 755 "$signing" && chmod 644 "$signing/cert.pem" "$signing/key.pem"
"${run[@]}" -v "$signing:/run/profile-signing:ro" -e PROFILE_SIGNING_CERT=/run/profile-signing/cert.pem -e PROFILE_SIGNING_KEY=/run/profile-signing/key.pem "$image" >/dev/null
wait_ready "$base"
node -e '
  fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }).then(async (r) => {
    if (r.status !== 200) throw new Error(`status ${r.status}`)
    process.stdout.write(Buffer.from(await r.arrayBuffer()))
  })' "$base/mobileconfig?emailaddress=alice@gmail.com" > "$signing/gmail.com.mobileconfig"
if openssl cms -verify -inform DER -in "$signing/gmail.com.mobileconfig" -CAfile "$signing/cert.pem" -out "$signing/profile.plist" 2>/dev/null \
  && grep -q '<string>alice@gmail.com</string>' "$signing/profile.plist"; then
  echo "ok: a signed profile that openssl cms -verify accepts"
else
  echo "FAILED: the signed profile does not verify" >&2
  podman logs --tail 20 "$name" >&2 || true
  exit 1
fi
stop_expect_zero

step "container smoke test passed"
