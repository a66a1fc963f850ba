#!/usr/bin/env bash
# Installs what L2S-M's build, lab and tests need on Debian 12, with apt-get. Run as root.
# Installs only what is missing, so it is cheap to run again.
set -euo pipefail

# Debian packages and the command each one provides.
packages=(
  "openjdk-17-jdk-headless:javac"
  "maven:mvn"
)

missing=()
for entry in "${packages[@]}"; do
  pkg=${entry%%:*}
  cmd=${entry#*:}
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
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
