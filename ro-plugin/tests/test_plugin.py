"""The plugin against the real Java SDN-assist service (started by the Java test RoPluginIT,
which passes its address and account in L2SM_SDN_*). Runs on Debian's python3-grpcio."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from osm_rosdn_l2sm.sdnconn_l2sm import SdnConnectorError, SdnConnectorL2sm  # noqa: E402

TARGET = os.environ.get("L2SM_SDN_TARGET")
USER = os.environ.get("L2SM_SDN_USER", "")
PASSWORD = os.environ.get("L2SM_SDN_PASSWORD", "")


def connector(password=PASSWORD, url=None):
    return SdnConnectorL2sm(
        {"wim_url": url or "grpc://" + TARGET}, {"user": USER, "password": password}, {}
    )


def cp(name, dpid, port, vlan=None):
    """A connection point as NG-RO builds one for SDN-assist (OSM.md 1.2)."""
    return {
        "service_endpoint_id": name,
        "service_endpoint_encapsulation_type": "dot1q" if vlan else None,
        "service_endpoint_encapsulation_info": {
            "vlan": vlan,
            "mac": None,
            "device_id": "compute-1",
            "device_interface_id": "0000:af:10.1",
            "switch_dpid": dpid,
            "switch_port": port,
            "service_mapping_info": None,
        },
    }


@unittest.skipUnless(TARGET, "run by the Java test RoPluginIT (needs the adapter's address)")
class PluginAgainstTheService(unittest.TestCase):
    def setUp(self):
        connector().clear_all_connectivity_services()

    def test_lifecycle(self):
        c = connector()
        c.check_credentials()
        uuid, info = c.create_connectivity_service(
            "ELAN",
            [
                cp("compute-1:0000:af:10.1", "00:00:00:00:00:00:00:11", "1", vlan=600),
                cp("compute-2:0000:af:10.1", "0000000000000022", "3", vlan=600),
                cp("compute-3:0000:af:10.1", "0000000000000033", "7"),
            ],
        )
        self.assertEqual(len(uuid), 36)
        self.assertEqual(
            sorted(info["interfaces"]),
            ["compute-1:0000:af:10.1", "compute-2:0000:af:10.1", "compute-3:0000:af:10.1"],
        )
        status = c.get_connectivity_service_status(uuid, info)
        self.assertEqual(status["sdn_status"], "ACTIVE")
        self.assertEqual(
            status["sdn_info"]["endpoints"]["compute-2:0000:af:10.1"], "of:0000000000000022/3"
        )
        self.assertEqual(c.get_all_active_connectivity_services(), [uuid])
        info = c.edit_connectivity_service(
            uuid,
            info,
            [
                cp("compute-1:0000:af:10.1", "0000000000000011", "1"),
                cp("compute-4:0000:af:10.2", "0000000000000033", "8"),
            ],
        )
        self.assertEqual(
            sorted(info["interfaces"]), ["compute-1:0000:af:10.1", "compute-4:0000:af:10.2"]
        )
        status = c.get_connectivity_service_status(uuid, info)
        self.assertEqual(status["sdn_status"], "ACTIVE")
        self.assertEqual(
            sorted(status["sdn_info"]["endpoints"].values()),
            ["of:0000000000000011/1", "of:0000000000000033/8"],
        )
        c.delete_connectivity_service(uuid, info)
        with self.assertRaises(SdnConnectorError) as gone:
            c.get_connectivity_service_status(uuid, info)
        self.assertEqual(gone.exception.http_code, 404)
        # RO treats 404 on delete as "already deleted".
        with self.assertRaises(SdnConnectorError) as again:
            c.delete_connectivity_service(uuid, info)
        self.assertEqual(again.exception.http_code, 404)

    def test_eline_is_point_to_point(self):
        c = connector()
        uuid, info = c.create_connectivity_service(
            "ELINE", [cp("a", "0000000000000011", "2"), cp("b", "0000000000000022", "2")]
        )
        self.assertEqual(c.get_connectivity_service_status(uuid)["sdn_info"]["kind"], "vlink")
        with self.assertRaises(SdnConnectorError) as three:
            c.edit_connectivity_service(
                uuid,
                info,
                [cp("a", "0000000000000011", "2"), cp("b", "22", "2"), cp("c", "33", "2")],
            )
        self.assertEqual(three.exception.http_code, 400)
        self.assertIn("exactly 2 connection points", str(three.exception))

    def test_an_unknown_switch_is_an_error_status_naming_it(self):
        c = connector()
        uuid, _ = c.create_connectivity_service(
            "ELAN", [cp("a", "0000000000000011", "4"), cp("z", "00000000000000ff", "1")]
        )
        status = c.get_connectivity_service_status(uuid)
        self.assertEqual(status["sdn_status"], "ERROR")
        self.assertIn("of:00000000000000ff/1: no switch with datapath id", status["error_msg"])

    def test_errors_map_to_http_codes(self):
        with self.assertRaises(SdnConnectorError) as bad:
            connector(password="wrong").check_credentials()
        self.assertEqual(bad.exception.http_code, 401)
        with self.assertRaises(SdnConnectorError) as unknown:
            connector().edit_connectivity_service(
                "00000000-0000-0000-0000-000000000000", {}, [cp("a", "11", "1")]
            )
        self.assertEqual(unknown.exception.http_code, 404)
        with self.assertRaises(SdnConnectorError) as etree:
            connector().create_connectivity_service("ETREE", [cp("a", "11", "1"), cp("b", "22", "1")])
        self.assertEqual(etree.exception.http_code, 400)
        self.assertIn("ELINE or ELAN", str(etree.exception))
        with self.assertRaises(SdnConnectorError) as unmapped:
            connector().create_connectivity_service(
                "ELAN", [{"service_endpoint_id": "compute-9:0000:01:00.0"}, cp("b", "22", "1")]
            )
        self.assertEqual(unmapped.exception.http_code, 400)
        self.assertIn("sdn-port-mapping", str(unmapped.exception))
        with self.assertRaises(SdnConnectorError) as down:
            connector(url="grpc://127.0.0.1:1").check_credentials()
        self.assertEqual(down.exception.http_code, 503)


class EntryPoint(unittest.TestCase):
    def test_ro_finds_the_plugin_by_its_entry_point(self):
        """What RO's _load_plugin does: entry_points(group="osm_rosdn.plugins", name=...)."""
        import subprocess
        import tempfile
        from importlib.metadata import entry_points

        here = os.path.join(os.path.dirname(__file__), "..")
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(
                [sys.executable, "setup.py", "-q", "egg_info", "--egg-base", out],
                cwd=here,
                check=True,
                capture_output=True,
            )
            sys.path.insert(0, out)
            try:
                found = entry_points(group="osm_rosdn.plugins", name="rosdn_l2sm")
                (ep,) = list(found)
                self.assertIs(ep.load(), SdnConnectorL2sm)
            finally:
                sys.path.remove(out)


if __name__ == "__main__":
    unittest.main()
