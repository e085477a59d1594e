#!/usr/bin/env bash
# npm run test:docker: build the image, run it the way the README says, and check it from the host:
# mTLS call with the exported certificates (200), no client certificate (refused), health check
# healthy, files owned by the host user, `docker stop` handled by the init (exit 0, not killed); then
# the Testcontainers module's tests (test/docker) against the same image.
# Needs a working Docker. Fails, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-axys-mock:test}
NAME=axys-mock-smoke-$$
fail() { echo "test:docker FAILED: $*" >&2; exit 1; }
step() { echo "test:docker: $*"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

docker info >/dev/null 2>&1 || fail "no Docker daemon reachable: start Docker first"

WORK=$(mktemp -d)
cleanup() { docker rm -f "$NAME" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

t=$(date +%s%N)
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" . >/dev/null || fail "docker build failed (run: DOCKER_BUILDKIT=0 docker build .)"
step "built $IMAGE in $(ms "$t") ms, $(( $(docker image inspect -f '{{.Size}}' "$IMAGE") / 1000000 )) MB"
[ "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" = node ] || fail "the image does not run as the non-root user node"

# The documented command: the certs folder created first, the container running as the host user.
# As root (CI) a stand-in host user 4242 plays that part, so the non-root path is what gets tested.
if [ "$(id -u)" = 0 ]; then HOST_UID=4242 HOST_GID=4242; else HOST_UID=$(id -u) HOST_GID=$(id -g); fi
mkdir -p "$WORK/certs" && chown "$HOST_UID:$HOST_GID" "$WORK/certs"
t=$(date +%s%N)
docker run -d --name "$NAME" --user "$HOST_UID:$HOST_GID" -p 127.0.0.1::8443 -p 127.0.0.1::8081 \
  -v "$WORK/certs:/app/certs" "$IMAGE" >/dev/null || fail "docker run failed"
API=https://127.0.0.1:$(docker port "$NAME" 8443/tcp | head -n1 | cut -d: -f2)
CONTROL=http://127.0.0.1:$(docker port "$NAME" 8081/tcp | head -n1 | cut -d: -f2)

health=starting
for _ in $(seq 120); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$NAME" 2>/dev/null || echo gone)
  [ "$health" = starting ] || break
  sleep 0.5
done
[ "$health" = healthy ] || { docker logs "$NAME" >&2 || true; fail "health check: $health"; }
step "healthy $(ms "$t") ms after docker run ($API, $CONTROL)"

for f in ca.pem clients/1.pem clients/1-key.pem; do
  [ "$(stat -c %u "$WORK/certs/$f")" = "$HOST_UID" ] || fail "$f is not owned by the host user $HOST_UID"
done
[ "$(stat -c %a "$WORK/certs/clients/1-key.pem")" = 600 ] || fail "clients/1-key.pem is not mode 0600"
step "certificates in the mounted folder, owned by uid $HOST_UID, keys 0600"

out=$(AXYS_API_URL=$API AXYS_CERTS_DIR=$WORK/certs node examples/fetch-with-client-cert.mjs) || fail "mTLS call from the host: $out"
grep -q -- '-> 200' <<<"$out" || fail "mTLS call from the host did not get 200: $out"
step "mTLS call from the host with the exported certificates: 200"

refused=$(AXYS_API_URL=$API AXYS_CA=$WORK/certs/ca.pem node --input-type=module -e '
  import { readFileSync } from "node:fs";
  import { Agent } from "undici";
  const dispatcher = new Agent({ connect: { ca: readFileSync(process.env.AXYS_CA) } });
  try {
    const res = await fetch(`${process.env.AXYS_API_URL}/v2/cardholders`, { dispatcher, headers: { "X-API-Key": "axys_stg_northwind_4f1c2a9e7b3d5a60" } });
    console.log(`answered ${res.status}`);
  } catch (e) { console.log(`refused: ${e.cause?.code ?? e.cause?.message ?? e.message}`); }') 
[[ "$refused" == refused:* ]] || fail "a call without a client certificate was not refused: $refused"
curl_journal=$(node -e 'fetch(process.argv[1]).then((r) => r.json()).then((j) => console.log(j.items.map((e) => `${e.decision}:${e.reason}`).join(" ")))' "$CONTROL/_mock/requests?decision=tls_refused")
grep -q 'tls_refused:no_client_certificate' <<<"$curl_journal" || fail "the journal does not record the refused handshake: $curl_journal"
step "without a client certificate: $refused (journal: $curl_journal)"

t=$(date +%s%N)
docker stop "$NAME" >/dev/null
stopped=$(ms "$t")
code=$(docker inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || fail "docker stop: exit code $code (137 means it ignored SIGTERM and was killed)"
step "docker stop: exited 0 in $stopped ms"
# The Testcontainers module (axys-mock/testcontainers) against the same image: health, mapped ports,
# certificates copied out, the startMock() shape, mTLS 200s. Its cleanup is the tests' own close(), so
# Ryuk (a reaper image pulled from a registry) is off unless the caller turns it on.
t=$(date +%s%N)
AXYS_MOCK_IMAGE=$IMAGE TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true} \
  npx vitest run --config vitest.docker.config.ts || fail "the Testcontainers module test (test/docker) failed"
step "Testcontainers module against $IMAGE: passed in $(ms "$t") ms"
# Again as from inside a container, where Testcontainers reaches the Docker host by the bridge
# network's gateway address and not by localhost: the server certificate must name that address.
gateway=$(docker network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null || true)
if [ -n "$gateway" ] && [ "${TESTCONTAINERS_HOST_OVERRIDE:-}" != "$gateway" ]; then
  t=$(date +%s%N)
  AXYS_MOCK_IMAGE=$IMAGE TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true} TESTCONTAINERS_HOST_OVERRIDE=$gateway \
    npx vitest run --config vitest.docker.config.ts || fail "the Testcontainers module test through the Docker host address $gateway failed"
  step "Testcontainers module through the Docker host address $gateway: passed in $(ms "$t") ms"
fi
echo "test:docker: passed"
