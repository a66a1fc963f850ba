#!/bin/bash
# Measures Open vSwitch's userspace TSO (other_config:userspace-tso-enable) on this machine's
# userspace datapath, as the lab's nodes run it: two nodes (network namespaces, each with its own
# ovsdb-server and ovs-vswitchd), joined by VXLAN over a Linux-bridge underlay, with two pods on
# the first node and one on the second. TCP (iperf3) from pod a1 to a2 (same node) and to b1
# (other node), first as L2S-M's agent sets the pods up (transmit offloads off, no TSO), then with
# TSO on in the switches and the pods' offloads left on. Prints one line per path and mode, and
# what ovs-vswitchd logged about offloads. Root; leaves nothing behind.
#
# usage: scripts/measure-userspace-tso.sh [SECONDS_PER_RUN]   (default 3)
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
for t in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl iperf3 ethtool python3; do
  command -v "$t" >/dev/null || { echo "needs $t: run scripts/install-prereqs.sh" >&2; exit 1; }
done
SECS=${1:-3}
P=l2tso
D=$(mktemp -d /tmp/l2sm-tso.XXXXXX)

down() {
  for n in a b; do
    for f in ovs-vswitchd ovsdb-server; do
      [ -f "$D/$n/$f.pid" ] && kill "$(cat "$D/$n/$f.pid")" 2>/dev/null || true
    done
  done
  sleep 0.3
  for ns in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do ip netns del "$ns"; done
  ip link del "$P-ul" 2>/dev/null || true
  rm -rf "${D:?}/a" "${D:?}/b"
}
trap 'down; rm -rf "$D"' EXIT

# node NAME UNDERLAY_IP TSO(0|1)
node() {
  local n=$1 ip=$2 tso=$3 ns=$P-$1 d=$D/$1
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "$P-u$n" type veth peer name eth-ul netns "$ns"
  ethtool -K "$P-u$n" tx off >/dev/null
  ip link set "$P-u$n" master "$P-ul" up
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.eth-ul.arp_ignore=1
  ip netns exec "$ns" ethtool -K eth-ul tx off >/dev/null
  ip -n "$ns" link set eth-ul up
  mkdir -p "$d"
  ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  ip netns exec "$ns" ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" \
    --pidfile="$d/ovsdb-server.pid" --unixctl="$d/ovsdb-server.ctl" \
    --log-file="$d/ovsdb-server.log" -vconsole:off --detach 2>/dev/null
  local vs=(ovs-vsctl --db="unix:$d/db.sock")
  "${vs[@]}" --no-wait init
  if [ "$tso" = 1 ]; then
    "${vs[@]}" --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true
  fi
  OVS_RUNDIR=$d ip netns exec "$ns" ovs-vswitchd "unix:$d/db.sock" \
    --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
    --log-file="$d/ovs-vswitchd.log" -vconsole:off --detach 2>/dev/null
  "${vs[@]}" add-br br-phy -- set bridge br-phy datapath_type=netdev -- add-port br-phy eth-ul
  ip -n "$ns" addr add "$ip/24" dev br-phy
  ip -n "$ns" link set br-phy up
  "${vs[@]}" add-br br0 -- set bridge br0 datapath_type=netdev
}

# tunnel NODE REMOTE_IP
tunnel() {
  ovs-vsctl --db="unix:$D/$1/db.sock" add-port br0 vx -- set interface vx type=vxlan \
    options:remote_ip="$2" options:key=100
}

# pod NODE NAME IP TSO(0|1)
pod() {
  local n=$1 name=$2 ip=$3 tso=$4 ns=$P-$2
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "$P-$name" type veth peer name eth0 netns "$ns"
  ip link set "$P-$name" netns "$P-$n"
  ip -n "$ns" link set eth0 mtu 1450 up
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$P-$n" link set "$P-$name" mtu 1450 up
  if [ "$tso" = 0 ]; then
    # What the agent does on the userspace datapath: it passes partial checksums unfixed.
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
  fi
  ovs-vsctl --db="unix:$D/$n/db.sock" add-port br0 "$P-$name"
}

# tcp FROM TO_POD TO_IP: what arrived, in Gbit/s ("no result" when iperf3 reported none)
tcp() {
  ip netns exec "$P-$2" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
  local server=$!
  sleep 0.5
  local json
  json=$(timeout $((SECS + 15)) ip netns exec "$P-$1" iperf3 -c "$3" -p 5201 -t "$SECS" -J \
    --connect-timeout 3000 2>/dev/null || true)
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  python3 -c '
import json, sys
try:
    r = json.loads(sys.stdin.read())
    print("%.2f Gbit/s" % (r["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("no result (iperf3 printed no figure)")
' <<<"$json"
}

run() { # run TSO(0|1) LABEL
  down
  ip link add "$P-ul" type bridge
  ip link set "$P-ul" up
  node a 10.98.0.1 "$1"
  node b 10.98.0.2 "$1"
  tunnel a 10.98.0.2
  tunnel b 10.98.0.1
  pod a a1 10.97.0.1 "$1"
  pod a a2 10.97.0.2 "$1"
  pod b b1 10.97.0.3 "$1"
  # the first ping learns the MACs and the tunnel's neighbour
  ip netns exec "$P-a1" ping -c 2 -W 2 10.97.0.2 >/dev/null || echo "  (a1 -> a2 did not ping)"
  ip netns exec "$P-a1" ping -c 2 -W 2 10.97.0.3 >/dev/null || echo "  (a1 -> b1 did not ping)"
  echo "$2: same node $(tcp a1 a2 10.97.0.2), across nodes (VXLAN) $(tcp a1 b1 10.97.0.3)"
  local said
  said=$(cat "$D"/a/ovs-vswitchd.log "$D"/b/ovs-vswitchd.log | grep -iE 'offload|segmentation' |
    sed -E 's/^[^|]*\|[0-9]+\|//' | sort | uniq -c | sort -rn | head -5 || true)
  [ -n "$said" ] && echo "  ovs-vswitchd logged:" && echo "$said" | sed 's/^/   /'
  return 0
}

echo "Open vSwitch $(ovs-vswitchd --version | head -1 | awk '{print $NF}'), iperf3 ${SECS} s per path"
run 0 "TSO off, pods' tx offload off (as the agent sets them)"
run 1 "userspace-tso-enable=true, pods' offloads on"
