#!/usr/bin/env bash
# Installs what L2S-M's build, lab and tests need on Debian 12, with apt-get. Run as root.
# Installs only what is missing, so it is cheap to run again.
set -euo pipefail

# Debian packages and what each one provides: a command, py:MODULE for a module of Debian's
# /usr/bin/python3, or file:PATH. Build: Java, Maven, and a C compiler for the CNI plugin shim.
# Data plane, lab and tests: Open vSwitch (userspace datapath, started by hand, no systemd
# needed), capture, traffic and frame tools.
packages=(
  "openjdk-17-jdk-headless:javac"
  "maven:mvn"
  "gcc:cc"
  "libc6-dev:file:/usr/lib/x86_64-linux-gnu/libc.a"
  "openvswitch-switch:ovs-vswitchd"
  "iproute2:ip"
  "tcpdump:tcpdump"
  "iperf3:iperf3"
  "ethtool:ethtool"
  "iputils-ping:ping"
  "arping:arping"
  "python3-scapy:py:scapy"
  "python3-grpcio:py:grpc"
  "python3-protobuf:py:google.protobuf"
  "python3-setuptools:py:setuptools"
  "openssl:openssl"
  # scripts/fuzz.sh installs schemathesis (PyPI) into a virtual environment.
  "python3-venv:py:ensurepip"
  # The Smart Campus (demo, bench cdn): the programs in its pods, and fonts for the plots.
  "nginx-light:nginx"
  "dnsmasq-base:dnsmasq"
  "nftables:nft"
  "curl:curl"
  "fonts-dejavu-core:file:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
  # Real Kubernetes nodes (docs/real-kubernetes.md): the container runtime, and umoci to make
  # the lab's OCI images without a registry (debootstrap makes their Debian root file system).
  "containerd:containerd"
  "runc:runc"
  "umoci:umoci"
  "debootstrap:debootstrap"
)

has() {
  case "$1" in
    py:*) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import ${1#py:}" >/dev/null 2>&1 ;;
    file:*) [ -e "${1#file:}" ] ;;
    *) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] ;;
  esac
}

missing=()
for entry in "${packages[@]}"; do
  pkg=${entry%%:*}
  what=${entry#*:}
  has "$what" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-prereqs: error: missing ${missing[*]}; run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-prereqs: installing ${missing[*]} with apt-get..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
# The Smart Campus runs nginx inside its pods only: the system service the package starts (where
# systemd runs) would hold port 80 of this machine for nothing.
case " ${missing[*]} " in
  *" nginx-light "*)
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
      systemctl disable --now nginx >/dev/null 2>&1 || true
      echo "install-prereqs: stopped and disabled the nginx service the package started (the lab runs its own)" >&2
    fi
    ;;
esac
