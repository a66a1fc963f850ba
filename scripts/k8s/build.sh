#!/usr/bin/env bash
# Builds the real Kubernetes parts the lab runs from their published Go modules (no prebuilt
# downloads): kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy,
# kubectl; etcd; CoreDNS; Multus (thick: daemon and shim); the CNI reference plugins (bridge,
# host-local, loopback, portmap); helm. Versions: scripts/k8s/versions.env. Output: $L2SM_CACHE/k8s/<versions key>/bin
# (default /var/cache/l2sm), reused by every later clone; a part already built is not built again.
#   scripts/k8s/build.sh           build what is missing, print the bin folder last
#   scripts/k8s/build.sh --print   print the bin folder only (it may be incomplete)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
# Go from the machine's own installation when it is not on PATH (Debian's golang is too old).
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
  PATH=$PATH:/usr/local/go/bin
fi
for tool in go gcc sha256sum; do
  command -v "$tool" >/dev/null || { echo "k8s-build: error: '$tool' is missing (apt-get install -y golang gcc coreutils, or Go 1.24+ on PATH)" >&2; exit 1; }
done
# The cache is keyed by the versions and by this recipe's revision: bump it when a change here
# changes what is built (flags, parts).
recipe=1
key=$( (cat "$here/versions.env"; echo "recipe=$recipe") | sha256sum | cut -c1-12)
root=${L2SM_CACHE:-/var/cache/l2sm}/k8s/$key
bin=$root/bin
if [ "${1:-}" = "--print" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$bin" "$root/src"
export CGO_ENABLED=${CGO_ENABLED:-1}
export GOFLAGS=-mod=mod
t_all=$(date +%s)
built=0

# step NAME: whether bin/NAME still has to be made (prints what is going on).
step() {
  if [ -x "$bin/$1" ]; then
    return 1
  fi
  echo "k8s-build: building $1 ($2)..." >&2
  built=$((built + 1))
  return 0
}

timed() {
  local t0
  t0=$(date +%s)
  "$@"
  echo "k8s-build:   done in $(($(date +%s) - t0)) s" >&2
}

# A module of our own that requires MODULE@VERSION with a replace for every staging module that
# MODULE's go.mod requires at v0.0.0 (its local replaces do not apply to a dependent module).
module_for() {
  local dir=$1 module=$2 version=$3 staging_version=$4
  mkdir -p "$dir"
  local gomod
  gomod=$(cd "$dir" && go mod download -json "$module@$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module l2sm.local/k8s-build/$(basename "$dir")"
    echo
    echo "go 1.24.0"
    echo
    echo "require $module $version"
    echo
    grep -E '^[[:space:]]+k8s\.io/[a-z0-9-]+ v0\.0\.0$' "$gomod" | awk -v v="$staging_version" '{print "replace " $1 " => " $1 " " v}'
  } >"$dir/go.mod"
  }

k8s_ldflags() {
  local v=${KUBERNETES_VERSION#v}
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  local p=k8s.io/component-base/version
  local c=k8s.io/client-go/pkg/version
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local f=""
  for pkg in $p $c; do
    f="$f -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    f="$f -X $pkg.gitTreeState=clean -X $pkg.buildDate=$now -X $pkg.gitCommit=l2sm-build-$key"
  done
  echo "-s -w $f"
}

k8s=$root/src/kubernetes
kv=${KUBERNETES_VERSION#v}
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
  if step "$cmd" "k8s.io/kubernetes $KUBERNETES_VERSION"; then
    [ -f "$k8s/go.mod" ] || module_for "$k8s" k8s.io/kubernetes "$KUBERNETES_VERSION" "v0.${kv#*.}"
    pkg=k8s.io/kubernetes/cmd/$cmd
    cgo=0
    [ "$cmd" = kubelet ] && cgo=1
    (cd "$k8s" && timed env CGO_ENABLED=$cgo go build -trimpath -ldflags "$(k8s_ldflags)" -o "$bin/$cmd" "$pkg")
  fi
done

if step etcd "go.etcd.io/etcd/server/v3 $ETCD_VERSION"; then
  d=$root/src/etcd
  mkdir -p "$d"
  [ -f "$d/go.mod" ] || printf 'module l2sm.local/k8s-build/etcd\n\ngo 1.24.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$d/go.mod"
  (cd "$d" && timed env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=l2sm-build" -o "$bin/etcd" go.etcd.io/etcd/server/v3)
fi

if step coredns "github.com/coredns/coredns $COREDNS_VERSION"; then
  d=$root/src/coredns
  mkdir -p "$d"
  [ -f "$d/go.mod" ] || printf 'module l2sm.local/k8s-build/coredns\n\ngo 1.25.0\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" >"$d/go.mod"
  (cd "$d" && timed env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin/coredns" github.com/coredns/coredns)
fi

for p in main/bridge ipam/host-local main/loopback meta/portmap; do
  name=${p#*/}
  if step "$name" "github.com/containernetworking/plugins $CNI_PLUGINS_VERSION"; then
    (cd "$root/src" && timed env CGO_ENABLED=0 GOBIN="$bin" go install -trimpath -ldflags "-s -w" "github.com/containernetworking/plugins/plugins/$p@$CNI_PLUGINS_VERSION")
  fi
done

for cmd in multus-daemon multus-shim; do
  if step "$cmd" "multus-cni $MULTUS_VERSION"; then
    # In a module of our own: `go install pkg@version` asks the proxy for the module's version
    # list, which it refuses for this gopkg.in path.
    d=$root/src/multus
    mkdir -p "$d"
    [ -f "$d/go.mod" ] || printf 'module l2sm.local/k8s-build/multus\n\ngo 1.25.0\n\nrequire gopkg.in/k8snetworkplumbingwg/multus-cni.v4 %s\n' "$MULTUS_VERSION" >"$d/go.mod"
    (cd "$d" && timed env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin/$cmd" "gopkg.in/k8snetworkplumbingwg/multus-cni.v4/cmd/$cmd")
  fi
done

if step helm "helm.sh/helm/v3 $HELM_VERSION"; then
  (cd "$root/src" && timed env CGO_ENABLED=0 GOBIN="$bin" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
fi

echo "k8s-build: $built part(s) built in $(($(date +%s) - t_all)) s; cache $(du -sh "$root" | cut -f1) ($root), Go module cache $(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1)" >&2
echo "$bin"
