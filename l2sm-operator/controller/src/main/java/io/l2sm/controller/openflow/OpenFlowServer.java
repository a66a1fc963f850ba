package io.l2sm.controller.openflow;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenFlow 1.3 listener switches dial ({@code ovs-vsctl set-controller BR tcp:HOST:PORT}).
 * Netty frames the stream by the OpenFlow header's length field; openflowj parses and writes the
 * messages. The server answers echoes, probes idle switches with echoes of its own and drops a
 * switch that stays silent.
 */
public final class OpenFlowServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenFlowServer.class);
  private static final int IDLE_PROBE_SECONDS = 3;
  private static final int DEAD_SECONDS = 10;

  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final SwitchListener listener;
  private Channel server;
  private io.netty.handler.ssl.SslContext tls;

  public OpenFlowServer(SwitchListener listener) {
    this.listener = listener;
  }

  /**
   * Serves OpenFlow over mutual TLS (switches dial {@code ssl:HOST:PORT}): the controller proves
   * itself with its certificate and takes only switches whose certificate the L2S-M CA signed. The
   * credentials are read at every handshake, so a rotated certificate serves the next connection.
   * Call before {@link #start}.
   */
  public void useTls(io.l2sm.api.grpc.Credentials credentials) throws javax.net.ssl.SSLException {
    tls =
        io.netty.handler.ssl.SslContextBuilder.forServer(credentials.keyManager())
            .trustManager(credentials.peerTrust())
            .clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE)
            .build();
  }

  /** Binds and returns the bound address (port 0 picks a free one). */
  public InetSocketAddress start(InetSocketAddress bind) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(new IdleStateHandler(IDLE_PROBE_SECONDS, 0, 0, TimeUnit.SECONDS))
                        .addLast(new LengthFieldBasedFrameDecoder(65535, 2, 2, -4, 0))
                        .addLast(new Encoder())
                        .addLast(new Handler());
                  }
                })
            .bind(bind)
            .sync()
            .channel();
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** The common name of the switch's TLS certificate; null over plaintext. */
  private static String peer(ChannelHandlerContext ctx) {
    io.netty.handler.ssl.SslHandler h = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    if (h == null) {
      return null;
    }
    try {
      return io.l2sm.api.grpc.Credentials.commonName(
          (java.security.cert.X509Certificate) h.engine().getSession().getPeerCertificates()[0]);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return ""; // cannot happen with client authentication required; names no node
    }
  }

  private static final class Encoder extends MessageToByteEncoder<OFMessage> {
    @Override
    protected void encode(ChannelHandlerContext ctx, OFMessage msg, ByteBuf out) {
      msg.writeTo(out);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
    private final OFMessageReader<OFMessage> reader = OFFactories.getGenericReader();
    private SwitchConnection sw;
    private long lastRead = System.nanoTime();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(OfMessages.OF13.buildHello().setXid(1).build());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
      lastRead = System.nanoTime();
      OFMessage m = reader.readFrom(frame);
      if (m == null) {
        return;
      }
      if (m instanceof OFHello) {
        if (m.getVersion().compareTo(OFVersion.OF_13) < 0) {
          LOG.warn("{} speaks {} only; L2S-M needs OpenFlow 1.3", ctx.channel(), m.getVersion());
          ctx.close();
          return;
        }
        ctx.writeAndFlush(OfMessages.OF13.buildFeaturesRequest().setXid(2).build());
      } else if (m instanceof OFEchoRequest e) {
        ctx.writeAndFlush(
            OfMessages.OF13.buildEchoReply().setXid(e.getXid()).setData(e.getData()).build());
      } else if (m instanceof OFFeaturesReply f && sw == null) {
        sw = new SwitchConnection(ctx.channel(), f.getDatapathId().getLong(), peer(ctx));
        try (var named = sw.named()) {
          LOG.info("switch {} connected from {}", sw.dpidHex(), ctx.channel().remoteAddress());
        }
        listener.connected(sw);
      } else if (m instanceof OFPacketIn && sw != null) {
        listener.packetIn(sw);
      } else if (sw != null) {
        sw.received(m);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
        if (System.nanoTime() - lastRead > TimeUnit.SECONDS.toNanos(DEAD_SECONDS)) {
          LOG.warn("{} silent for {} s: closing", ctx.channel().remoteAddress(), DEAD_SECONDS);
          ctx.close();
        } else {
          ctx.writeAndFlush(OfMessages.OF13.buildEchoRequest().setXid(3).build());
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (sw != null) {
        try (var named = sw.named()) {
          LOG.info("switch {} disconnected", sw.dpidHex());
        }
        sw.closed();
        listener.disconnected(sw);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn(
          "OpenFlow connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
