#!/usr/bin/env bash
# Builds the real-node testbed's pod sandbox ("pause") image without a registry: pause/pause.go compiled
# statically with Debian's golang-go, in an image made from scratch with buildah, written as a docker
# archive for `ctr images import`. Cached by the source's sha256:
#   ${COWSQL_TESTBED_CACHE:-/var/cache/cowsql-testbed}/pause-<sha256>.tar
# Last line of stdout: "<archive> <image>", the image named localhost/cowsql-testbed/pause:<first 12 of the sha>.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${COWSQL_TESTBED_CACHE:-/var/cache/cowsql-testbed}
sha=$( { cat "$here/pause/pause.go"; sed -n '/^set -euo/,$p' "$0"; } | sha256sum | cut -c1-64)
archive=$cache/pause-$sha.tar
image=localhost/cowsql-testbed/pause:${sha:0:12}
log() { printf '[build-pause-image %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
if [[ -s $archive ]]; then
  echo "$archive $image"
  exit 0
fi
command -v go >/dev/null || { log "ERROR: no go (Debian package golang-go)"; exit 1; }
command -v buildah >/dev/null || { log "ERROR: no buildah (Debian package buildah)"; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/cowsql-pause.XXXXXX")
ctr=
trap 'rm -rf "$work"; [[ -z $ctr ]] || buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
cp "$here/pause/pause.go" "$work/"
(cd "$work" && GO111MODULE=off GOPROXY=off CGO_ENABLED=0 GOCACHE=$work/gocache HOME=$work \
  go build -trimpath -ldflags='-s -w' -o pause pause.go)
ctr=$(buildah from scratch)
buildah copy --quiet "$ctr" "$work/pause" /pause >/dev/null
buildah config --entrypoint '["/pause"]' --user 65535:65535 "$ctr"
buildah commit --quiet "$ctr" "$image" >/dev/null
buildah push --quiet "$image" "docker-archive:$archive.tmp:$image" >/dev/null
mv "$archive.tmp" "$archive"
log "built $image ($(stat -c %s "$work/pause") bytes binary), archive $archive"
echo "$archive $image"
