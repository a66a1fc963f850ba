#!/usr/bin/env bash
# Makes the OCI images the real-Kubernetes lab runs, without a registry or a Docker engine, as tar
# files that `ctr images import` takes:
#   pause.tar   l2sm.local/pause:1   the pod sandbox: images/pause/pause.c, built static
#   probe.tar   l2sm.local/probe:1   Debian 12 (debootstrap) with the tools the tests use in pods
#                                    (sh, ip, ping, arping, tcpdump, python3 with scapy, iperf3,
#                                    nginx, dnsmasq, nftables, curl) and what L2S-M's image adds to
#                                    it (a JRE, Open vSwitch)
#   multus.tar  l2sm.local/multus:1  probe's layer plus Multus's thick daemon and shim, as
#                                    scripts/k8s/build.sh built them (MULTUS_VERSION)
#   l2sm.tar    l2sm.local/l2sm:1    probe's layer plus the CLI's jar, libraries and launcher
#                                    (made with --l2sm after `mvn install`, again whenever
#                                    they change)
# Output: $L2SM_CACHE/images/<key>/ (default /var/cache/l2sm), keyed by this script, pause.c and
# Debian's suite and the versions; reused by later clones. l2sm.tar goes next to the others, made
# again when the jar, its libraries or the launcher scripts change (l2sm.key holds their digest).
#   scripts/k8s/images.sh [--l2sm]   make what is missing, print the folder last
#   scripts/k8s/images.sh --print    print the folder only
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
suite=bookworm
mirror=${L2SM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=iproute2,iputils-ping,arping,tcpdump,python3-scapy,iperf3,nginx-light,dnsmasq-base,nftables,curl,ethtool,procps,kmod,openvswitch-switch,openjdk-17-jre-headless
key=$( (cat "$here/images.sh" "$here/versions.env" "$repo/images/pause/pause.c"; echo "$suite $packages") | sha256sum | cut -c1-12)
out=${L2SM_CACHE:-/var/cache/l2sm}/images/$key
if [ "${1:-}" = "--print" ]; then
  echo "$out"
  exit 0
fi
for tool in umoci debootstrap gcc tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "images: error: '$tool' is missing; run as root: apt-get install -y umoci debootstrap gcc" >&2; exit 1; }
done
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || { echo "images: error: no static C library; run as root: apt-get install -y libc6-dev" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d "$out.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

timed() {
  local t0
  t0=$(date +%s)
  "$@"
  echo "images:   done in $(($(date +%s) - t0)) s" >&2
}

# tarball LAYOUT TAR: the OCI layout as one tar file, written whole or not at all.
tarball() {
  (cd "$1" && tar -cf "$2.part" .)
  mv "$2.part" "$2"
}

if [ ! -s "$out/pause.tar" ]; then
  echo "images: making l2sm.local/pause:1..." >&2
  gcc -static -O2 -Wall -Wextra -o "$work/pause" "$repo/images/pause/pause.c"
  strip "$work/pause"
  umoci init --layout "$work/pause-oci"
  umoci new --image "$work/pause-oci:1"
  umoci insert --image "$work/pause-oci:1" "$work/pause" /pause
  umoci config --image "$work/pause-oci:1" --config.entrypoint /pause --config.user 65535:65535
  tarball "$work/pause-oci" "$out/pause.tar"
fi

if [ ! -s "$out/probe.tar" ]; then
  echo "images: making l2sm.local/probe:1 (debootstrap $suite from $mirror; about 2 min)..." >&2
  timed debootstrap --variant=minbase --include="$packages" "$suite" "$work/rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { echo "images: error: debootstrap failed; its log:" >&2; tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work"/rootfs/usr/share/{doc,man,info,locale} "$work"/rootfs/var/cache/apt/* \
    "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/var/log/*
  # Upstream L2S-M's examples run /bin/ash (Alpine's shell): Debian's dash is the same Almquist shell.
  ln -s dash "$work/rootfs/usr/bin/ash"
  umoci init --layout "$work/probe-oci"
  umoci new --image "$work/probe-oci:1"
  umoci unpack --image "$work/probe-oci:1" "$work/bundle" >/dev/null
  cp -a "$work/rootfs/." "$work/bundle/rootfs/"
  timed umoci repack --image "$work/probe-oci:1" "$work/bundle"
  umoci config --image "$work/probe-oci:1" --config.cmd sleep --config.cmd infinity \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  tarball "$work/probe-oci" "$out/probe.tar"
  rm -rf "$work/bundle" "$work/rootfs"
fi

if [ ! -s "$out/multus.tar" ]; then
  k8sbin=$(bash "$here/build.sh" --print)
  for b in multus-daemon multus-shim; do
    [ -x "$k8sbin/$b" ] || { echo "images: error: no $k8sbin/$b; run first: bash scripts/k8s/build.sh" >&2; exit 1; }
  done
  echo "images: making l2sm.local/multus:1 from $k8sbin..." >&2
  mkdir -p "$work/multus-oci"
  (cd "$work/multus-oci" && tar -xf "$out/probe.tar")
  umoci insert --image "$work/multus-oci:1" "$k8sbin/multus-daemon" /usr/bin/multus-daemon
  umoci insert --image "$work/multus-oci:1" "$k8sbin/multus-shim" /usr/src/multus-cni/bin/multus-shim
  umoci config --image "$work/multus-oci:1" --config.entrypoint /usr/bin/multus-daemon --clear config.cmd
  tarball "$work/multus-oci" "$out/multus.tar"
fi

if [ "${1:-}" = "--l2sm" ]; then
  jar=$repo/cli/target/l2sm-cli.jar
  [ -s "$jar" ] || { echo "images: error: no $jar; run first: mvn -B install -DskipTests" >&2; exit 1; }
  # Made again only when what goes into it changed (each lab up asks; one build, many labs).
  l2smkey=$(sha256sum "$jar" "$repo"/cli/target/lib/*.jar "$repo/images/l2sm" \
    "$repo/images/ovs-bundled.sh" "$out/probe.tar" | awk '{print $1}' | sha256sum | cut -c1-16)
fi
if [ "${1:-}" = "--l2sm" ] && [ -s "$out/l2sm.tar" ] && [ "$(cat "$out/l2sm.key" 2>/dev/null)" = "$l2smkey" ]; then
  echo "images: l2sm.local/l2sm:1 is up to date with $jar" >&2
elif [ "${1:-}" = "--l2sm" ]; then
  echo "images: making l2sm.local/l2sm:1 from $jar..." >&2
  mkdir -p "$work/l2sm-oci"
  (cd "$work/l2sm-oci" && tar -xf "$out/probe.tar")
  mkdir -p "$work/opt/lib" "$work/bin"
  cp "$jar" "$work/opt/l2sm-cli.jar"
  cp "$repo"/cli/target/lib/*.jar "$work/opt/lib/"
  install -m 0755 "$repo/images/l2sm" "$work/bin/l2sm"
  install -m 0755 "$repo/images/ovs-bundled.sh" "$work/bin/ovs-bundled.sh"
  umoci insert --image "$work/l2sm-oci:1" "$work/opt" /opt/l2sm
  umoci insert --image "$work/l2sm-oci:1" "$work/bin/l2sm" /usr/local/bin/l2sm
  umoci insert --image "$work/l2sm-oci:1" "$work/bin/ovs-bundled.sh" /usr/share/l2sm/ovs-bundled.sh
  umoci config --image "$work/l2sm-oci:1" --config.entrypoint l2sm --clear config.cmd --config.cmd=--help
  tarball "$work/l2sm-oci" "$out/l2sm.tar"
  echo "$l2smkey" >"$out/l2sm.key"
fi
du -sh "$out"/*.tar | sed 's/^/images: /' >&2
echo "$out"
