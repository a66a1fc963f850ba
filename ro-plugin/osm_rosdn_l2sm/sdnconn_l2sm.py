"""The rosdn_l2sm connector: RO's SdnConnectorBase operations, forwarded one to one to the L2S-M
adapter's SDN-assist gRPC service (l2sm.osm.v1.SdnAssist). No logic of its own: the adapter
validates, stores and applies; this module converts arguments and maps gRPC errors to
SdnConnectorError with the matching http_code.

RO account fields used: wim["wim_url"] ("host:port", "grpc://host:port", or "grpcs://host:port"
for TLS), wim_account["user"] / ["password"], config["ca_cert"] (PEM file, TLS only) and
config["timeout"] (seconds, default 30).
"""

import base64
import json
import logging
import os
from http import HTTPStatus

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

try:  # inside RO: its base class and error type
    from osm_ro_plugin.sdnconn import SdnConnectorBase, SdnConnectorError
except ImportError:  # outside RO (tests, tools): the same contract

    class SdnConnectorError(Exception):
        """As RO's: a message and the HTTP code RO reports."""

        def __init__(self, message, http_code=HTTPStatus.INTERNAL_SERVER_ERROR.value):
            self.http_code = http_code
            Exception.__init__(self, message)

    class SdnConnectorBase:
        """As RO's constructor: keeps the account, the config and the endpoint mapping."""

        def __init__(self, wim, wim_account, config=None, logger=None):
            self.logger = logger or logging.getLogger("ro.sdn")
            self.wim = wim
            self.wim_account = wim_account
            self.config = config or {}
            self.service_endpoint_mapping = self.config.get("service_endpoint_mapping", [])


_PACKAGE = "l2sm.osm.v1"
_SERVICE = "/l2sm.osm.v1.SdnAssist/"


def _load_messages():
    path = os.path.join(os.path.dirname(__file__), "l2sm-osm-sdn.desc")
    with open(path, "rb") as f:
        files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for proto in files.file:
        pool.Add(proto)
    factory = getattr(message_factory, "GetMessageClass", None)
    if factory is None:  # protobuf before 4.22 (Debian 12: 4.21)
        legacy = message_factory.MessageFactory(pool)
        factory = legacy.GetPrototype
    return lambda name: factory(pool.FindMessageTypeByName(_PACKAGE + "." + name))


_message = _load_messages()

# gRPC status -> the http_code RO expects (sdnconn.py's list).
_HTTP = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.DEADLINE_EXCEEDED: 408,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.UNAVAILABLE: 503,
}


class SdnConnectorL2sm(SdnConnectorBase):
    """`osm sdnc-create --type l2sm --url grpc://ADAPTER:9181 --user U --password P`."""

    def __init__(self, wim, wim_account, config=None, logger=None):
        self.logger = logger or logging.getLogger("ro.sdn.l2sm")
        super().__init__(wim, wim_account, config, self.logger)
        url = (wim.get("wim_url") or wim.get("url") or "").strip().rstrip("/")
        if not url:
            raise SdnConnectorError("the SDN account has no URL", http_code=400)
        secure = url.startswith("grpcs://") or url.startswith("https://")
        target = url.split("://", 1)[-1]
        user = wim_account.get("user") or ""
        password = wim_account.get("password") or ""
        token = base64.b64encode("{}:{}".format(user, password).encode()).decode()
        self._metadata = (("authorization", "Basic " + token),)
        self._timeout = float((config or {}).get("timeout", 30))
        if secure:
            ca = (config or {}).get("ca_cert")
            root = open(ca, "rb").read() if ca else None
            self._channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(root))
        else:
            self._channel = grpc.insecure_channel(target)
        self._target = target

    def _call(self, method, request_type, response_type, **fields):
        request = _message(request_type)(**fields)
        stub = self._channel.unary_unary(
            _SERVICE + method,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=_message(response_type).FromString,
        )
        try:
            return stub(request, metadata=self._metadata, timeout=self._timeout)
        except grpc.RpcError as e:
            code = e.code()
            raise SdnConnectorError(
                "L2S-M adapter {}: {}".format(self._target, e.details() or code.name),
                http_code=_HTTP.get(code, 500),
            ) from None

    @staticmethod
    def _points(connection_points):
        out = []
        for cp in connection_points or []:
            info = cp.get("service_endpoint_encapsulation_info") or {}
            mapping = info.get("service_mapping_info")
            out.append(
                _message("ConnectionPoint")(
                    service_endpoint_id=str(cp.get("service_endpoint_id") or ""),
                    encapsulation_type=str(cp.get("service_endpoint_encapsulation_type") or ""),
                    vlan="" if info.get("vlan") is None else str(info.get("vlan")),
                    mac=str(info.get("mac") or ""),
                    device_id=str(info.get("device_id") or ""),
                    device_interface_id=str(info.get("device_interface_id") or ""),
                    switch_dpid=str(info.get("switch_dpid") or ""),
                    switch_port=str(info.get("switch_port") or info.get("swith_port") or ""),
                    service_mapping_info_json=json.dumps(mapping) if mapping else "",
                )
            )
        return out

    @staticmethod
    def _json(text):
        return json.loads(text) if text else {}

    def check_credentials(self):
        self._call("CheckCredentials", "CheckCredentialsRequest", "CheckCredentialsResponse")

    def get_connectivity_service_status(self, service_uuid, conn_info=None):
        r = self._call(
            "GetConnectivityServiceStatus",
            "StatusRequest",
            "ServiceStatus",
            service_uuid=service_uuid,
            conn_info_json=json.dumps(conn_info or {}),
        )
        out = {"sdn_status": r.sdn_status, "sdn_info": self._json(r.sdn_info_json)}
        if r.error_msg:
            out["error_msg"] = r.error_msg
        return out

    def create_connectivity_service(self, service_type, connection_points, **kwargs):
        r = self._call(
            "CreateConnectivityService",
            "CreateRequest",
            "CreateResponse",
            service_type=service_type or "",
            connection_points=self._points(connection_points),
            kwargs_json=json.dumps(kwargs, default=str),
        )
        return r.service_uuid, self._json(r.conn_info_json)

    def delete_connectivity_service(self, service_uuid, conn_info=None):
        self._call(
            "DeleteConnectivityService",
            "DeleteRequest",
            "DeleteResponse",
            service_uuid=service_uuid,
            conn_info_json=json.dumps(conn_info or {}),
        )

    def edit_connectivity_service(
        self, service_uuid, conn_info=None, connection_points=None, **kwargs
    ):
        r = self._call(
            "EditConnectivityService",
            "EditRequest",
            "EditResponse",
            service_uuid=service_uuid,
            conn_info_json=json.dumps(conn_info or {}),
            connection_points=self._points(connection_points),
            kwargs_json=json.dumps(kwargs, default=str),
        )
        return self._json(r.conn_info_json)

    def clear_all_connectivity_services(self):
        self._call("ClearAllConnectivityServices", "ClearAllRequest", "ClearAllResponse")

    def get_all_active_connectivity_services(self):
        r = self._call("GetAllActiveConnectivityServices", "ListRequest", "ListResponse")
        return list(r.service_uuids)
