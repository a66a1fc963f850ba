package io.l2sm.osm.sdn;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.l2sm.osm.web.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every call needs metadata {@code authorization: Basic ...} with the adapter's account. */
public final class BasicAuthInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(BasicAuthInterceptor.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private final Credentials credentials;

  public BasicAuthInterceptor(Credentials credentials) {
    this.credentials = credentials;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (credentials.acceptsBasic(headers.get(AUTHORIZATION))) {
      return next.startCall(call, headers);
    }
    LOG.warn(
        "refused {}: missing or wrong credentials", call.getMethodDescriptor().getFullMethodName());
    call.close(
        Status.UNAUTHENTICATED.withDescription("missing or wrong credentials"), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
