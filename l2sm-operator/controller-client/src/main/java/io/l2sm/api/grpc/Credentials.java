package io.l2sm.api.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's TLS credentials, kept in one folder as a Kubernetes TLS Secret with its CA holds
 * them: {@code tls.crt} (its certificate chain), {@code tls.key} (its private key: PKCS#1, SEC1 or
 * PKCS#8, unencrypted) and {@code ca.crt} (the CA that signs every L2S-M part's certificate). The
 * files are checked every {@link #RELOAD_SECONDS} seconds and a changed, valid set replaces the old
 * one for every new connection: certificates rotate without a restart and without touching
 * connections already open.
 */
public final class Credentials implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

  public static final String CA = "ca.crt";
  public static final String CERT = "tls.crt";
  public static final String KEY = "tls.key";

  /** How often the files are looked at. */
  public static final int RELOAD_SECONDS = 2;

  private final Path dir;
  private final Files3 files;
  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager peers;
  private final AdvancedTlsX509TrustManager servers;
  private final ScheduledExecutorService reloader;
  private volatile Loaded current;

  /** One valid reading of the folder. */
  private record Loaded(
      List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas, String stamp) {}

  /** Where the CA, the certificate and the key are. */
  private record Files3(Path ca, Path cert, Path key) {
    List<Path> all() {
      return List.of(ca, cert, key);
    }
  }

  private Credentials(Path dir, Files3 files, Loaded first) throws GeneralSecurityException {
    this.dir = dir;
    this.files = files;
    this.peers =
        AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(Verification.CERTIFICATE_ONLY_VERIFICATION)
            .build();
    this.servers =
        AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
            .build();
    use(first);
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "credentials-" + dir.getFileName());
              t.setDaemon(true);
              return t;
            });
    reloader.scheduleWithFixedDelay(
        this::reloadIfChanged, RELOAD_SECONDS, RELOAD_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Reads the folder and starts watching it.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static Credentials load(Path dir) {
    return load(dir, new Files3(dir.resolve(CA), dir.resolve(CERT), dir.resolve(KEY)));
  }

  /**
   * A node's credentials in a folder that holds either one part's ({@code tls.crt}, {@code
   * tls.key}) or every node's ({@code NODE.crt}, {@code NODE.key}), with {@code ca.crt}: the form
   * the chart's generated agent Secret takes.
   */
  public static Credentials forNode(Path dir, String node) {
    if (Files.exists(dir.resolve(CERT))) {
      return load(dir);
    }
    if (!Files.exists(dir.resolve(node + ".crt"))) {
      throw new IllegalArgumentException(
          dir
              + ": no credentials for node "
              + node
              + " (neither "
              + CERT
              + " nor "
              + node
              + ".crt)");
    }
    return load(
        dir, new Files3(dir.resolve(CA), dir.resolve(node + ".crt"), dir.resolve(node + ".key")));
  }

  private static Credentials load(Path dir, Files3 files) {
    try {
      return new Credentials(dir, files, read(files));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(dir + ": " + e.getMessage(), e);
    }
  }

  /** This process's certificate. */
  public X509Certificate certificate() {
    return current.chain().get(0);
  }

  /** The common name of this process's certificate. */
  public String commonName() {
    return commonName(certificate());
  }

  /** Credentials of a gRPC server: clients may present a certificate signed by the CA. */
  public ServerCredentials server() {
    return TlsServerCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(peers)
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  /** Credentials of a gRPC client: it checks the server's name and presents its own certificate. */
  public ChannelCredentials client() {
    return TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(servers).build();
  }

  /** The key manager (this process's certificate, as it is now). */
  public javax.net.ssl.X509ExtendedKeyManager keyManager() {
    return keys;
  }

  /** The trust manager for peers that are clients (switches, agents): the CA, no host names. */
  public javax.net.ssl.X509ExtendedTrustManager peerTrust() {
    return peers;
  }

  /** A TLS server context with this process's certificate (HTTPS; clients bring no certificate). */
  public javax.net.ssl.SSLContext serverContext() {
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(new javax.net.ssl.KeyManager[] {keys}, null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  /**
   * A TLS client context that trusts the CA certificates of a PEM file (and checks names), for
   * HTTPS clients such as the operator towards an IDCO.
   *
   * @throws IllegalArgumentException naming the file when it holds no certificate
   */
  public static javax.net.ssl.SSLContext trusting(Path caFile) {
    try {
      java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates(caFile)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(caFile + ": " + e.getMessage(), e);
    }
  }

  /** The common name of a certificate's subject; empty when it has none. */
  public static String commonName(X509Certificate c) {
    RDN[] cn = X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
    return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
  }

  private void use(Loaded l) throws GeneralSecurityException {
    try {
      keys.updateIdentityCredentials(l.chain().toArray(X509Certificate[]::new), l.key());
      X509Certificate[] cas = l.cas().toArray(X509Certificate[]::new);
      peers.updateTrustCredentials(cas);
      servers.updateTrustCredentials(cas);
    } catch (IOException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
    current = l;
  }

  /** Reads the folder again when a file changed; keeps the old set when the new one is invalid. */
  void reloadIfChanged() {
    String stamp;
    try {
      stamp = stamp(files);
    } catch (IOException e) {
      complain(e.toString());
      return;
    }
    if (stamp.equals(current.stamp())) {
      return;
    }
    try {
      Loaded l = read(files);
      use(l);
      complaint = "";
      LOG.info(
          "credentials {} re-read: {} serial {} valid until {}",
          dir,
          commonName(),
          certificate().getSerialNumber().toString(16),
          certificate().getNotAfter().toInstant());
    } catch (GeneralSecurityException | RuntimeException e) {
      complain("changed but not usable: " + e.getMessage());
    }
  }

  private String complaint = "";

  /** Logs a problem with the files once, not at every look. */
  private void complain(String problem) {
    if (!problem.equals(complaint)) {
      complaint = problem;
      LOG.warn("credentials {}: {}; keeping the ones in use", dir, problem);
    }
  }

  private static String stamp(Files3 files) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Path p : files.all()) {
      b.append(Files.getLastModifiedTime(p).toMillis())
          .append('/')
          .append(Files.size(p))
          .append(' ');
    }
    return b.toString();
  }

  private static Loaded read(Files3 files) throws GeneralSecurityException {
    for (Path f : files.all()) {
      if (!Files.isReadable(f)) {
        throw new GeneralSecurityException(
            f.getFileName()
                + " is missing or not readable (the folder holds "
                + CA
                + ", "
                + CERT
                + ", "
                + KEY
                + ")");
      }
    }
    String stamp;
    try {
      stamp = stamp(files);
    } catch (IOException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
    String cert = files.cert().getFileName().toString();
    String ca = files.ca().getFileName().toString();
    List<X509Certificate> chain = certificates(files.cert());
    List<X509Certificate> cas = certificates(files.ca());
    PrivateKey key = privateKey(files.key());
    X509Certificate leaf = chain.get(0);
    if (!matches(key, leaf)) {
      throw new GeneralSecurityException(files.key().getFileName() + " is not the key of " + cert);
    }
    Instant now = Instant.now();
    if (leaf.getNotAfter().toInstant().isBefore(now)) {
      throw new GeneralSecurityException(cert + " expired at " + leaf.getNotAfter().toInstant());
    }
    if (!signedBy(chain, cas)) {
      throw new GeneralSecurityException(cert + " is not signed by " + ca);
    }
    return new Loaded(chain, key, cas, stamp);
  }

  /** Every certificate of a PEM file, in order. */
  static List<X509Certificate> certificates(Path f) throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(f)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new GeneralSecurityException(f.getFileName() + " holds no PEM certificate");
      }
      return out;
    } catch (IOException | java.security.cert.CertificateException e) {
      throw new GeneralSecurityException(f.getFileName() + " holds no PEM certificate", e);
    }
  }

  /** A private key in PEM: PKCS#1 (RSA), SEC1 (EC, with or without its parameters), PKCS#8. */
  static PrivateKey privateKey(Path f) throws GeneralSecurityException {
    try (Reader r = Files.newBufferedReader(f);
        PEMParser pem = new PEMParser(r)) {
      JcaPEMKeyConverter convert = new JcaPEMKeyConverter();
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return convert.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PrivateKeyInfo info) {
          return convert.getPrivateKey(info);
        }
        if (!(o instanceof ASN1ObjectIdentifier)) { // "EC PARAMETERS" may come first
          break;
        }
      }
    } catch (IOException e) {
      throw new GeneralSecurityException(f.getFileName() + ": " + e.getMessage(), e);
    }
    throw new GeneralSecurityException(
        f.getFileName() + " holds no unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8)");
  }

  private static boolean matches(PrivateKey key, X509Certificate cert)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default ->
              throw new GeneralSecurityException(
                  "keys of type " + key.getAlgorithm() + " are not supported");
        };
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    Signature s = Signature.getInstance(algorithm);
    s.initSign(key);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(algorithm);
    try {
      v.initVerify(cert.getPublicKey());
    } catch (java.security.InvalidKeyException e) {
      return false;
    }
    v.update(probe);
    return v.verify(sig);
  }

  private static boolean signedBy(List<X509Certificate> chain, List<X509Certificate> cas) {
    X509Certificate top = chain.get(chain.size() - 1);
    for (X509Certificate ca : cas) {
      if (top.equals(ca)) {
        return true;
      }
      try {
        top.verify(ca.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // not this one
      }
    }
    return false;
  }

  /** The serial number of this process's certificate (shown when it changes). */
  public BigInteger serial() {
    return certificate().getSerialNumber();
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }
}
