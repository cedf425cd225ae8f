#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kube-proxy v1.20.2 from
# Debian bookworm's `kubernetes` source package, offline, and caches them at
#   ${COWSQL_TESTBED_CACHE:-/var/cache/cowsql-testbed}/k8s-<orig tarball sha256>/bin
# Idempotent: when the five binaries are already cached it prints the path and exits.
# One make builds all five: they share the build cache, so the node binaries add minutes, not a build.
# Why each step is there is said next to it (e2e/README.md has the overview).
#
# Prerequisites (Debian packages): golang-go rsync make golang-github-modern-go-reflect2-dev
# (and etcd-server to run the testbed). Network access to a Debian mirror for the
# source package on the first run only.
#
# Environment:
#   COWSQL_TESTBED_CACHE   cache root (default /var/cache/cowsql-testbed)
#   COWSQL_DEBIAN_MIRROR   Debian mirror URL (default: the first one configured in /etc/apt)
#   COWSQL_BUILD_JOBS      parallel go build jobs (default: number of CPUs)
#
# Last line of stdout on success: the bin directory.
set -euo pipefail

ORIG_SHA256=b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc
K8S_VERSION=v1.20.2
CACHE_ROOT=${COWSQL_TESTBED_CACHE:-/var/cache/cowsql-testbed}
OUT=$CACHE_ROOT/k8s-$ORIG_SHA256
BIN=$OUT/bin
WORK=$CACHE_ROOT/work-$ORIG_SHA256
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

log() { printf '[build-control-plane %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

all_cached() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x $BIN/$b ]] || return 1; done
  return 0
}

if all_cached; then
  log "cached: $BIN"
  echo "$BIN"
  exit 0
fi

# ---- prerequisites -------------------------------------------------------------
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "missing prerequisite: command '$1' (Debian package: $2)"; }
need_cmd go golang-go
need_cmd rsync rsync
need_cmd make make
need_cmd apt-get apt
need_cmd sha256sum coreutils
need_cmd tar tar
need_cmd flock util-linux
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
[[ -f $REFLECT2_SRC/reflect2.go ]] || die "missing prerequisite: $REFLECT2_SRC (Debian package: golang-github-modern-go-reflect2-dev)"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f $KEYRING ]] || die "missing prerequisite: $KEYRING (Debian package: debian-archive-keyring)"
command -v etcd >/dev/null 2>&1 || log "warning: etcd not found (Debian package: etcd-server); needed to run the testbed, not to build"

mkdir -p "$CACHE_ROOT" 2>/dev/null || die "cannot create cache root $CACHE_ROOT (set COWSQL_TESTBED_CACHE to a writable directory)"
[[ -w $CACHE_ROOT ]] || die "cache root $CACHE_ROOT is not writable (set COWSQL_TESTBED_CACHE)"

# One build at a time per cache root.
exec 9>"$CACHE_ROOT/.build.lock"
log "waiting for build lock $CACHE_ROOT/.build.lock"
flock 9
if all_cached; then
  log "cached (built concurrently): $BIN"
  echo "$BIN"
  exit 0
fi

# ---- fetch the source package with a private apt configuration --------------------
mirror=$(bash "$(dirname "${BASH_SOURCE[0]}")/debian-mirror.sh" || true)
[[ -n $mirror ]] || die "no Debian mirror configured in /etc/apt (set COWSQL_DEBIAN_MIRROR to one)"
log "Debian mirror: $mirror"

SRC_DIR=$WORK/src
ORIG=$(ls "$SRC_DIR"/kubernetes_*.orig.tar.* 2>/dev/null | head -n1 || true)
if [[ -z $ORIG ]] || [[ $(sha256sum "$ORIG" | awk '{print $1}') != "$ORIG_SHA256" ]]; then
  APTDIR=$WORK/apt
  rm -rf "$APTDIR" "$SRC_DIR"
  mkdir -p "$APTDIR"/{lists/partial,cache/archives/partial,sources.list.d,preferences.d} "$SRC_DIR"
  echo "deb-src [signed-by=$KEYRING] $mirror bookworm main" >"$APTDIR/sources.list"
  cat >"$APTDIR/apt.conf" <<EOF
Dir::Etc::sourcelist "$APTDIR/sources.list";
Dir::Etc::sourceparts "$APTDIR/sources.list.d";
Dir::Etc::preferencesparts "$APTDIR/preferences.d";
Dir::State::lists "$APTDIR/lists";
Dir::Cache "$APTDIR/cache";
Dir::Cache::archives "$APTDIR/cache/archives";
APT::Sandbox::User "root";
EOF
  export APT_CONFIG=$APTDIR/apt.conf
  log "apt-get update (private sources list, deb-src bookworm main only)"
  apt-get -q update >&2 || die "apt-get update failed for $mirror (network? set COWSQL_DEBIAN_MIRROR)"
  log "apt-get source --download-only kubernetes"
  (cd "$SRC_DIR" && apt-get -q source --download-only kubernetes >&2) || die "apt-get source kubernetes failed"
  unset APT_CONFIG
  ORIG=$(ls "$SRC_DIR"/kubernetes_*.orig.tar.* 2>/dev/null | head -n1 || true)
  [[ -n $ORIG ]] || die "no kubernetes_*.orig.tar.* downloaded into $SRC_DIR"
fi
got=$(sha256sum "$ORIG" | awk '{print $1}')
[[ $got == "$ORIG_SHA256" ]] || die "orig tarball sha256 mismatch: $ORIG has $got, expected $ORIG_SHA256"
log "orig tarball verified: $(basename "$ORIG") sha256 $got"

# ---- unpack and patch ----------------------------------------------------------------
TREE=$WORK/tree
if [[ ! -f $TREE/.unpacked ]]; then
  log "unpacking $(basename "$ORIG") (takes a minute)"
  rm -rf "$TREE"
  mkdir -p "$TREE"
  tar -xf "$ORIG" -C "$TREE" --strip-components=1
  touch "$TREE/.unpacked"
fi
[[ -d $TREE/vendor && -f $TREE/Makefile ]] || die "unexpected source tree layout in $TREE (no vendor/ or Makefile)"

R2=$TREE/vendor/github.com/modern-go/reflect2
[[ -d $R2 ]] || die "vendored reflect2 not found at $R2"
log "replacing vendored reflect2 (1.0.1, breaks on Go >= 1.18) with Debian's $REFLECT2_SRC"
find "$R2" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
cp "$REFLECT2_SRC"/*.go "$REFLECT2_SRC"/*.s "$R2"/

# ---- build -----------------------------------------------------------------------------
cat >"$WORK/version.env" <<EOF
KUBE_GIT_VERSION='$K8S_VERSION'
KUBE_GIT_MAJOR='1'
KUBE_GIT_MINOR='20'
KUBE_GIT_TREE_STATE='clean'
KUBE_GIT_COMMIT='faecb196815e248d3ecfb03c680a4507229c2a56'
EOF
mkdir -p "$WORK/home" "$WORK/gocache"
jobs=${COWSQL_BUILD_JOBS:-$(nproc)}
log "building ${BINARIES[*]} $K8S_VERSION with $(go version | awk '{print $3}') (GOPATH mode, offline; ~15 min cold on 2 cores)"
start=$(date +%s)
(
  cd "$TREE"
  unset GOFLAGS GOPATH GOROOT GO111MODULE
  export GOPROXY=off CGO_ENABLED=0 HOME=$WORK/home GOCACHE=$WORK/gocache \
         KUBE_GIT_VERSION_FILE=$WORK/version.env GOMAXPROCS=$jobs
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler cmd/kubelet cmd/kube-proxy" GOLDFLAGS="-s -w" >&2
) || die "make failed (see output above)"
log "build took $(( $(date +%s) - start )) s"

mkdir -p "$BIN.tmp"
for b in "${BINARIES[@]}"; do
  f=$(ls "$TREE"/_output/bin/"$b" "$TREE"/_output/local/bin/*/*/"$b" 2>/dev/null | head -n1 || true)
  [[ -n $f && -x $f ]] || die "build produced no $b under $TREE/_output"
  cp "$f" "$BIN.tmp/$b"
done
"$BIN.tmp/kube-apiserver" --version >&2 || die "built kube-apiserver does not run"
rm -rf "$BIN"
mv "$BIN.tmp" "$BIN"
echo "$ORIG_SHA256" >"$OUT/orig.sha256"
log "cached: $BIN (set COWSQL_KEEP_BUILD_TREE=1 to keep $WORK)"
if [[ ${COWSQL_KEEP_BUILD_TREE:-0} != 1 ]]; then
  rm -rf "$TREE" "$WORK/gocache" "$WORK/home"
fi
echo "$BIN"
