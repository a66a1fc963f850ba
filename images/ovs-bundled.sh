#!/bin/sh
# Bundled Open vSwitch for the agent pod (agent.ovs.mode=bundled): one daemon per container,
# sharing /var/run/openvswitch (socket) and /etc/openvswitch (database) with the agent.
set -eu
case "${1:-}" in
  ovsdb-server)
    [ -f /etc/openvswitch/conf.db ] || ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema
    exec ovsdb-server /etc/openvswitch/conf.db --remote=punix:/var/run/openvswitch/db.sock \
      --pidfile=/var/run/openvswitch/ovsdb-server.pid --unixctl=/var/run/openvswitch/ovsdb-server.ctl
    ;;
  ovs-vswitchd)
    while [ ! -S /var/run/openvswitch/db.sock ]; do sleep 0.2; done
    ovs-vsctl --no-wait init
    exec ovs-vswitchd unix:/var/run/openvswitch/db.sock --pidfile=/var/run/openvswitch/ovs-vswitchd.pid \
      --unixctl=/var/run/openvswitch/ovs-vswitchd.ctl
    ;;
  *)
    echo "ovs-bundled.sh: usage: ovs-bundled.sh ovsdb-server|ovs-vswitchd" >&2
    exit 2
    ;;
esac
