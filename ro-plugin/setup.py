# The rosdn_l2sm plugin for OSM's Resource Orchestrator: registers the entry point RO loads for
# `osm sdnc-create --type l2sm` (group osm_rosdn.plugins) and ships the service's descriptors.
from setuptools import setup

setup(
    name="osm_rosdn_l2sm",
    version="0.1.0",
    description="OSM RO SDN plugin forwarding to the L2S-M adapter's SDN-assist gRPC service",
    packages=["osm_rosdn_l2sm"],
    package_data={"osm_rosdn_l2sm": ["l2sm-osm-sdn.desc"]},
    install_requires=["grpcio", "protobuf"],
    entry_points={
        "osm_rosdn.plugins": ["rosdn_l2sm = osm_rosdn_l2sm.sdnconn_l2sm:SdnConnectorL2sm"],
    },
)
