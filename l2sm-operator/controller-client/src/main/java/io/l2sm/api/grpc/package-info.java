/**
 * How parts reach the controller: its one client ({@link io.l2sm.api.grpc.ControllerClient}, the
 * only user of the generated stubs outside the controller), the credentials a process presents and
 * checks (certificates and keys re-read when their files change, the identity a certificate names)
 * and the gRPC channels clients open, with short connect attempts and prompt reconnection. The API
 * itself is generated from {@code src/main/proto} into {@code io.l2sm.api.grpc.v1}.
 */
package io.l2sm.api.grpc;
