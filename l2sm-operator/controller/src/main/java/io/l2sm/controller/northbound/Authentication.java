package io.l2sm.controller.northbound;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.l2sm.api.grpc.Credentials;
import io.l2sm.api.grpc.Identity;
import io.l2sm.api.grpc.v1.ControllerGrpc;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every gRPC call names its caller by the client certificate it presented over TLS (signed by the
 * L2S-M CA; its common name is an {@link Identity}) and passes {@link AccessPolicy}: a call without
 * a certificate is {@code UNAUTHENTICATED}, one the caller's role may not make {@code
 * PERMISSION_DENIED}. With {@link #open} (the controller's {@code --allow-unauthenticated}) every
 * caller is an admin.
 */
public final class Authentication implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);
  private static final String SERVICE = ControllerGrpc.SERVICE_NAME;

  private final AccessPolicy policy;
  private final boolean open;

  private Authentication(AccessPolicy policy, boolean open) {
    this.policy = policy;
    this.open = open;
  }

  /** Callers must present a certificate; what they may do follows {@code policy}. */
  public static Authentication required(AccessPolicy policy) {
    return new Authentication(policy, false);
  }

  /** Any caller, as admin: a development controller only. */
  public static Authentication open() {
    return new Authentication(null, true);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (open) {
      return next.startCall(call, headers);
    }
    Identity who;
    try {
      who = caller(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    } catch (Refusal r) {
      return refuse(call, r.status);
    }
    String service = call.getMethodDescriptor().getServiceName();
    String method = call.getMethodDescriptor().getBareMethodName();
    if (!SERVICE.equals(service)) {
      return next.startCall(call, headers); // reflection: any authenticated caller
    }
    String denied = policy.refuseMethod(who, method);
    if (denied != null) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(denied));
    }
    ServerCall.Listener<Q> inner = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(inner) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        String no = policy.refuseRequest(who, method, message);
        if (no != null) {
          refused = true;
          LOG.warn("refused: {}", no);
          call.close(Status.PERMISSION_DENIED.withDescription(no), new Metadata());
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  private static final class Refusal extends Exception {
    final Status status;

    Refusal(Status status) {
      super(status.getDescription(), null, false, false);
      this.status = status;
    }
  }

  private static Identity caller(SSLSession tls) throws Refusal {
    if (tls == null) {
      throw new Refusal(
          Status.UNAUTHENTICATED.withDescription("the controller takes TLS clients only"));
    }
    X509Certificate cert;
    try {
      cert = (X509Certificate) tls.getPeerCertificates()[0];
    } catch (SSLPeerUnverifiedException e) {
      throw new Refusal(
          Status.UNAUTHENTICATED.withDescription(
              "no client certificate: present one signed by the L2S-M CA"
                  + " (agent:NODE, operator, adapter, reader or admin)"));
    }
    try {
      return Identity.parse(Credentials.commonName(cert));
    } catch (IllegalArgumentException e) {
      throw new Refusal(Status.PERMISSION_DENIED.withDescription(e.getMessage()));
    }
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    LOG.warn(
        "refused {}: {}", call.getMethodDescriptor().getBareMethodName(), status.getDescription());
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
