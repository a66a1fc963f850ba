package io.l2sm.osm.sdn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.l2sm.osm.fabric.Endpoint;
import io.l2sm.osm.grpc.v1.CheckCredentialsRequest;
import io.l2sm.osm.grpc.v1.CheckCredentialsResponse;
import io.l2sm.osm.grpc.v1.ClearAllRequest;
import io.l2sm.osm.grpc.v1.ClearAllResponse;
import io.l2sm.osm.grpc.v1.ConnectionPoint;
import io.l2sm.osm.grpc.v1.CreateRequest;
import io.l2sm.osm.grpc.v1.CreateResponse;
import io.l2sm.osm.grpc.v1.DeleteRequest;
import io.l2sm.osm.grpc.v1.DeleteResponse;
import io.l2sm.osm.grpc.v1.EditRequest;
import io.l2sm.osm.grpc.v1.EditResponse;
import io.l2sm.osm.grpc.v1.ListRequest;
import io.l2sm.osm.grpc.v1.ListResponse;
import io.l2sm.osm.grpc.v1.SdnAssistGrpc;
import io.l2sm.osm.grpc.v1.ServiceStatus;
import io.l2sm.osm.grpc.v1.StatusRequest;
import io.l2sm.osm.vpls.InvalidConfigException;
import io.l2sm.osm.vpls.Netcfg;
import io.l2sm.osm.vpls.VplsBook;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RO's {@code SdnConnectorBase} operations over gRPC, on the same book as the ONOS API: a
 * connectivity service is a VPLS entry whose interfaces are named by the connection points' {@code
 * service_endpoint_id}, on the port given by {@code switch_dpid}/{@code switch_port} (from the
 * VIM's SDN port mapping) or by the id itself when it is an endpoint id.
 */
public final class SdnAssistService extends SdnAssistGrpc.SdnAssistImplBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final VplsBook book;

  public SdnAssistService(VplsBook book) {
    this.book = book;
  }

  @Override
  public void checkCredentials(
      CheckCredentialsRequest request, StreamObserver<CheckCredentialsResponse> out) {
    // The interceptor has checked them already.
    out.onNext(CheckCredentialsResponse.getDefaultInstance());
    out.onCompleted();
  }

  @Override
  public void createConnectivityService(CreateRequest r, StreamObserver<CreateResponse> out) {
    call(
        out,
        () -> {
          boolean vlink = kind(r.getServiceType());
          List<Netcfg.Interface> ifs = interfaces(r.getConnectionPointsList());
          String uuid = book.create(vlink, ifs, encapsulation(r.getConnectionPointsList()));
          return CreateResponse.newBuilder()
              .setServiceUuid(uuid)
              .setConnInfoJson(connInfo(uuid))
              .build();
        });
  }

  @Override
  public void editConnectivityService(EditRequest r, StreamObserver<EditResponse> out) {
    call(
        out,
        () -> {
          book.edit(
              r.getServiceUuid(),
              interfaces(r.getConnectionPointsList()),
              encapsulation(r.getConnectionPointsList()));
          return EditResponse.newBuilder().setConnInfoJson(connInfo(r.getServiceUuid())).build();
        });
  }

  @Override
  public void deleteConnectivityService(DeleteRequest r, StreamObserver<DeleteResponse> out) {
    call(
        out,
        () -> {
          book.delete(r.getServiceUuid());
          return DeleteResponse.getDefaultInstance();
        });
  }

  @Override
  public void getConnectivityServiceStatus(StatusRequest r, StreamObserver<ServiceStatus> out) {
    call(
        out,
        () -> {
          VplsBook.ServiceState s = book.service(r.getServiceUuid());
          if (s == null) {
            throw new InvalidConfigException(404, "no connectivity service " + r.getServiceUuid());
          }
          ServiceStatus.Builder b =
              ServiceStatus.newBuilder().setSdnStatus(s.phase().name()).setSdnInfoJson(info(s));
          if (!s.problems().isEmpty()) {
            List<String> p = new ArrayList<>();
            s.problems().forEach((k, v) -> p.add(k + ": " + v));
            b.setErrorMsg(String.join("; ", p));
          }
          return b.build();
        });
  }

  @Override
  public void clearAllConnectivityServices(
      ClearAllRequest r, StreamObserver<ClearAllResponse> out) {
    call(out, () -> ClearAllResponse.newBuilder().setRemoved(book.clear()).build());
  }

  @Override
  public void getAllActiveConnectivityServices(ListRequest r, StreamObserver<ListResponse> out) {
    call(
        out,
        () -> {
          ListResponse.Builder b = ListResponse.newBuilder();
          book.services()
              .values()
              .forEach(
                  s -> {
                    if (s.phase() == VplsBook.Phase.ACTIVE) {
                      b.addServiceUuids(s.name());
                    }
                  });
          return b.build();
        });
  }

  private interface Body<T> {
    T run() throws InvalidConfigException;
  }

  private static <T> void call(StreamObserver<T> out, Body<T> body) {
    T result;
    try {
      result = body.run();
    } catch (InvalidConfigException e) {
      Status s =
          switch (e.status()) {
            case 404 -> Status.NOT_FOUND;
            case 409 -> Status.ALREADY_EXISTS;
            default -> Status.INVALID_ARGUMENT;
          };
      out.onError(s.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      out.onError(
          Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }

  /** ELINE: point-to-point; ELAN: multipoint; anything else is refused. */
  static boolean kind(String type) throws InvalidConfigException {
    return switch (type.toUpperCase(Locale.ROOT)) {
      case "ELINE" -> true;
      case "ELAN" -> false;
      default ->
          throw new InvalidConfigException(
              "service type '" + type + "' is not supported: ELINE or ELAN");
    };
  }

  static String encapsulation(List<ConnectionPoint> cps) {
    return cps.stream().anyMatch(c -> c.getEncapsulationType().equalsIgnoreCase("dot1q"))
        ? "VLAN"
        : "NONE";
  }

  static List<Netcfg.Interface> interfaces(List<ConnectionPoint> cps)
      throws InvalidConfigException {
    if (cps.isEmpty()) {
      throw new InvalidConfigException("no connection points");
    }
    List<Netcfg.Interface> out = new ArrayList<>();
    int i = 0;
    for (ConnectionPoint c : cps) {
      String at = "connection_points[" + i++ + "]";
      if (c.getServiceEndpointId().isBlank()) {
        throw new InvalidConfigException(at + " has no service_endpoint_id");
      }
      Endpoint e;
      try {
        e =
            !c.getSwitchDpid().isBlank() && !c.getSwitchPort().isBlank()
                ? Endpoint.of(c.getSwitchDpid(), c.getSwitchPort())
                : Endpoint.parse(c.getServiceEndpointId());
      } catch (IllegalArgumentException ex) {
        throw new InvalidConfigException(
            at
                + " ("
                + c.getServiceEndpointId()
                + "): no usable switch_dpid/switch_port (from the VIM's sdn-port-mapping) and"
                + " the service_endpoint_id is not of:<dpid>/<port>: "
                + ex.getMessage());
      }
      out.add(
          new Netcfg.Interface(
              c.getServiceEndpointId(), e, c.getVlan().isBlank() ? null : c.getVlan()));
    }
    return out;
  }

  private String connInfo(String uuid) {
    VplsBook.ServiceState s = book.service(uuid);
    ObjectNode o = JSON.createObjectNode();
    s.endpoints().keySet().forEach(o.withArray("interfaces")::add);
    o.put("cluster", s.cluster()).put("vni", s.vni());
    return o.toString();
  }

  private static String info(VplsBook.ServiceState s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("cluster", s.cluster()).put("vni", s.vni()).put("kind", s.vlink() ? "vlink" : "vnet");
    ObjectNode eps = o.putObject("endpoints");
    s.endpoints().forEach(eps::put);
    if (!s.problems().isEmpty()) {
      ObjectNode p = o.putObject("problems");
      s.problems().forEach(p::put);
    }
    return o.toString();
  }
}
