"""OSM RO SDN plugin for L2S-M: forwards every connector call to the adapter over gRPC."""
