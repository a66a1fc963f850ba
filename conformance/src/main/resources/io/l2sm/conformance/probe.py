#!/usr/bin/python3
"""Sends marked test frames out of an interface: probe.py IFACE MARKER OTHER_MAC FORGED_MAC."""
import sys

from scapy.all import ARP, IP, UDP, Dot1Q, Ether, ICMPv6ND_NS, IPv6, Raw, conf, get_if_hwaddr, sendp

conf.verb = 0
iface, marker, other_mac, forged_mac = sys.argv[1:5]
own = get_if_hwaddr(iface)  # scapy would pick 00:00:00:00:00:00 for multicast IP frames


def load(kind):
    return Raw(load=("%s-%s;" % (marker, kind)).encode() * 4)


frames = [
    Ether(src=own, dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="10.10.0.250") / load("arp"),
    Ether(src=own, dst="01:00:5e:00:00:fb") / IP(dst="224.0.0.251") / UDP(dport=5353) / load("mcast4"),
    Ether(src=own, dst="33:33:ff:00:00:01") / IPv6(dst="ff02::1:ff00:1") / ICMPv6ND_NS(tgt="fe80::1") / load("nd6"),
    Ether(src=own, dst="02:99:99:99:99:99") / IP(dst="10.10.0.251") / UDP(dport=9) / load("unknown"),
    Ether(src=own, dst=other_mac) / IP(dst="10.10.0.252") / UDP(dport=9) / load("othermac"),
    Ether(src=forged_mac, dst="ff:ff:ff:ff:ff:ff") / IP(dst="10.10.0.253") / UDP(dport=9) / load("forgedother"),
    Ether(src="02:66:66:66:66:66", dst="ff:ff:ff:ff:ff:ff") / IP(dst="10.10.0.253") / UDP(dport=9) / load("forgedrandom"),
    Ether(src=own, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=10) / IP(dst="10.10.0.254") / UDP(dport=9) / load("dot1q"),
    Ether(src=own, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=20) / Dot1Q(vlan=30) / IP(dst="10.10.0.254") / UDP(dport=9) / load("qinq"),
]
COPIES = 3
sendp(frames, iface=iface, count=COPIES, inter=0.01)
# What was sent, for the suite's evidence: each kind and its copies.
print("sent " + " ".join("%s=%d" % (f.lastlayer().load.decode().split(";")[0].split("-", 1)[1], COPIES) for f in frames))
