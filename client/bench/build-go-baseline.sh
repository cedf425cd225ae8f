#!/bin/sh
# Build the Go baseline of the client benchmark (cowsqlbench) offline, in
# GOPATH mode, against go-cowsql's sources (Debian package
# golang-github-cowsql-go-cowsql-dev, bookworm-backports).
#
#   client/bench/build-go-baseline.sh            -> client/target/bench/cowsqlbench
#
# Needs the Debian packages golang-go (>= 1.19) and
# golang-github-cowsql-go-cowsql-dev (which pulls in the go-cowsql
# dependencies below). No network: GOPROXY=off, GO111MODULE=off, GOFLAGS=-mod=
# cannot apply. Idempotent: rebuilds only when a source changed (go's cache).
#
# cgo: go-cowsql's client and driver packages are pure Go; the only cgo
# package in their import graph is github.com/mattn/go-sqlite3, imported by
# client/store.go for the optional DatabaseNodeStore, which the benchmark does
# not use. The default build is therefore CGO_ENABLED=0 (go-sqlite3 compiles
# to its !cgo stub, nothing on the benchmarked path changes). Set
# COWSQLBENCH_CGO=1 to link the real go-sqlite3 against the system
# libsqlite3 instead (needs gcc and libsqlite3-dev).
#
# Environment: GO (go binary, default: go), GOCODE (default /usr/share/gocode),
# COWSQLBENCH_OUT (output binary path), COWSQLBENCH_CGO (0|1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
client_dir=$(dirname "$here")
out=${COWSQLBENCH_OUT:-$client_dir/target/bench/cowsqlbench}
gocode=${GOCODE:-/usr/share/gocode}
GO=${GO:-go}
cgo=${COWSQLBENCH_CGO:-0}

die() { echo "build-go-baseline: $*" >&2; exit 1; }

command -v "$GO" >/dev/null 2>&1 ||
    die "no '$GO' command: install the Debian package golang-go (apt-get install -y golang-go)"

# Debian package that provides each import path we need (checked up front so a
# missing one is named instead of a generic 'cannot find package').
check_pkg() { # import-path debian-package
    [ -d "$gocode/src/$1" ] ||
        die "Go package $1 not found under $gocode/src: install the Debian package $2 (apt-get install -y $2)"
}
check_pkg github.com/cowsql/go-cowsql/driver golang-github-cowsql-go-cowsql-dev
check_pkg github.com/cowsql/go-cowsql/client golang-github-cowsql-go-cowsql-dev
check_pkg github.com/pkg/errors golang-github-pkg-errors-dev
check_pkg github.com/Rican7/retry golang-github-rican7-retry-dev
check_pkg github.com/ghodss/yaml golang-github-ghodss-yaml-dev
check_pkg gopkg.in/yaml.v2 golang-gopkg-yaml.v2-dev
check_pkg github.com/google/renameio golang-github-google-renameio-dev
check_pkg github.com/mattn/go-sqlite3 golang-github-mattn-go-sqlite3-dev

if [ "$cgo" = 1 ]; then
    command -v "${CC:-gcc}" >/dev/null 2>&1 ||
        die "COWSQLBENCH_CGO=1 needs a C compiler: install the Debian package gcc"
    [ -f /usr/include/sqlite3.h ] ||
        die "COWSQLBENCH_CGO=1 needs sqlite3.h: install the Debian package libsqlite3-dev"
fi

mkdir -p "$(dirname "$out")" "$client_dir/target/bench/gocache"

export GO111MODULE=off
export GOPATH="$here/go:$gocode"
export GOPROXY=off
export GOFLAGS=
export GOTOOLCHAIN=local
export GOCACHE="$client_dir/target/bench/gocache"
export CGO_ENABLED="$cgo"

# Anything else still missing (a newer go-cowsql with new dependencies):
# report the import path go cannot find.
missing=$("$GO" list -e -deps -f '{{if .Error}}{{.ImportPath}}: {{.Error}}{{end}}' cowsqlbench 2>&1 | grep . || true)
[ -z "$missing" ] || die "cannot resolve Go imports offline (GOPATH=$GOPATH):
$missing"

"$GO" build -trimpath -o "$out" cowsqlbench ||
    die "go build failed (GOPATH=$GOPATH, CGO_ENABLED=$cgo)"
echo "built $out ($("$GO" version | cut -d' ' -f3), CGO_ENABLED=$cgo, go-cowsql from $gocode)"
