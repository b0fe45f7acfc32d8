#!/usr/bin/env bash
# check-image.sh: check the loaded csmsmock image and run it once.
#
#   scripts/check-image.sh IMAGE VERSION      e.g. csmskit/csmsmock:v1.2.3 v1.2.3
#
# It fails unless the image is at most 25 MiB, runs as a user other than root and has a health
# check; then it starts a container with the port published on 127.0.0.1 only, waits until
# Docker calls it healthy (which runs `csmsmock health` inside), backs up the demo secret the
# way the mock's banner says, and removes the container again, whatever happened.
# `csmsmock version` must print VERSION.
#
# Without a Docker daemon it says it skips and exits 0, unless CI is set: there it fails.
set -euo pipefail

readonly max_size=$((25 * 1024 * 1024))
readonly healthy_within=60 # seconds

image=${1:?usage: check-image.sh IMAGE VERSION}
version=${2:?usage: check-image.sh IMAGE VERSION}

fail() {
	echo "check-image: $*" >&2
	exit 1
}

if ! docker info >/dev/null 2>&1; then
	echo "check-image: SKIPPED the image's checks and smoke test: no Docker daemon answers; with CI=true this fails"
	[ -z "${CI:-}" ]
	exit
fi

size=$(docker image inspect -f '{{.Size}}' "$image")
if [ "$size" -gt "$max_size" ]; then
	fail "$image is $size bytes, more than 25 MiB"
fi
user=$(docker image inspect -f '{{.Config.User}}' "$image")
case ${user%%:*} in
'' | 0 | root) fail "$image runs as root (User \"$user\")" ;;
esac
health=$(docker image inspect -f '{{with .Config.Healthcheck}}{{join .Test " "}}{{end}}' "$image")
if [ "$health" != "CMD /csmsmock health" ]; then
	fail "$image's health check is \"$health\", not \"CMD /csmsmock health\""
fi
printed=$(docker run --rm "$image" version)
if [[ $printed != *"$version"* ]]; then
	fail "csmsmock version in $image prints \"$printed\", not $version"
fi
echo "check-image: $image: $size bytes, user $user, health check \"$health\", version $version"

container=$(docker run -d -p 127.0.0.1:0:8080 "$image")
trap 'docker rm -f "$container" >/dev/null' EXIT

status=
for _ in $(seq "$healthy_within"); do
	status=$(docker inspect -f '{{.State.Health.Status}}' "$container")
	[ "$status" = healthy ] && break
	if [ "$(docker inspect -f '{{.State.Running}}' "$container")" != true ]; then
		break
	fi
	sleep 1
done
if [ "$status" != healthy ]; then
	docker logs "$container" >&2 || true
	fail "the container is not healthy after ${healthy_within}s (status \"$status\")"
fi
hostport=$(docker port "$container" 8080/tcp | grep '^127\.0\.0\.1:' | head -1)
[ -n "$hostport" ] || fail "port 8080 of the container is not published on 127.0.0.1"

# The banner's curl command, e.g. curl -s -X POST -H 'X-Auth-Token: T' http://0.0.0.0:8080/v1/P/secrets/S/backup,
# aimed at the published port instead of the address inside the container.
# (The log is read whole first: grep -m1 leaving docker logs' output unread would fail the pipe.)
log=$(docker logs "$container" 2>/dev/null)
banner=$(grep -m1 -E "^ +curl -s -X POST -H 'X-Auth-Token: [^']+' https?://[^/]+/v1/[^ ]+/backup$" <<<"$log") ||
	fail "the container's log has no curl command for the demo backup"
token=$(sed -E "s/.*'X-Auth-Token: ([^']+)'.*/\1/" <<<"$banner")
path=$(sed -E 's#.* https?://[^/]+(/v1/[^ ]+)$#\1#' <<<"$banner")
answer=$(curl -sS -X POST -H "X-Auth-Token: $token" "http://$hostport$path")
if [[ $answer != *'"secret_blob":")CloudSecretManagementBackupV1.com'* ]]; then
	fail "POST $path answered $answer"
fi
echo "check-image: the container turned healthy and backed up the demo secret on $hostport ($image)"
