package io.l2sm.lab;

import io.l2sm.api.grpc.Credentials;
import io.l2sm.files.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The lab's certificate authority: one CA (ECDSA P-256) whose key stays in the lab's folder, and
 * the credentials it issues to each part as {@link Credentials} folders ({@code tls.crt}, {@code
 * tls.key}, {@code ca.crt}). What the chart does with Helm or cert-manager, the lab does here.
 */
public final class Pki {
  /** How long the lab's certificates last (a lab lives for hours). */
  public static final Duration VALIDITY = Duration.ofDays(30);

  private static final String CA_KEY = "ca.key";
  private final X509Certificate ca;
  private final PrivateKey caKey;
  private final SecureRandom random = new SecureRandom();

  private Pki(X509Certificate ca, PrivateKey caKey) {
    this.ca = ca;
    this.caKey = caKey;
  }

  /** The CA in {@code dir}, made there first if it has none. */
  public static synchronized Pki at(Path dir) {
    try {
      Files.createDirectories(dir);
      Path cert = dir.resolve(Credentials.CA);
      Path key = dir.resolve(CA_KEY);
      if (Files.exists(cert) && Files.exists(key)) {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(key))) {
          PrivateKey k =
              new JcaPEMKeyConverter()
                  .getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) p.readObject());
          return new Pki(read(cert), k);
        }
      }
      KeyPair pair = keyPair();
      X500Name name = name("l2sm-lab-ca");
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.ONE,
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(365))),
              name,
              pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate c = sign(b, pair.getPrivate());
      write(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
      write(cert, pem(c));
      return new Pki(c, pair.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the lab's CA in " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the lab's CA", e);
    }
  }

  /**
   * Issues credentials for a client (its common name: an identity such as {@code agent:n1}) into
   * {@code to}, replacing what is there file by file (a running part picks them up).
   */
  public Path client(String commonName, Path to) {
    return issue(commonName, List.of(), List.of(), KeyPurposeId.id_kp_clientAuth, to, VALIDITY);
  }

  /** Issues a server's credentials for these addresses and names into {@code to}. */
  public Path server(String commonName, List<String> ips, List<String> dnsNames, Path to) {
    return issue(commonName, ips, dnsNames, KeyPurposeId.id_kp_serverAuth, to, VALIDITY);
  }

  /**
   * Issues a Kubernetes client's credentials: the API server takes the common name as the user and
   * each organization as a group ({@code system:masters}, {@code system:nodes}).
   */
  public Path kubernetesClient(String user, List<String> groups, Path to) {
    return issue(user, groups, List.of(), List.of(), KeyPurposeId.id_kp_clientAuth, to, VALIDITY);
  }

  /** As {@link #server}, with a validity of one's choosing (a rotation makes a new serial). */
  public Path issue(
      String commonName,
      List<String> ips,
      List<String> dnsNames,
      KeyPurposeId purpose,
      Path to,
      Duration validity) {
    return issue(commonName, List.of("l2sm"), ips, dnsNames, purpose, to, validity);
  }

  /**
   * Writes a key pair for signing (Kubernetes' service-account tokens): the private key to {@code
   * key}, the public one to {@code pub}, both PEM.
   */
  public static void signingKey(Path key, Path pub) {
    try {
      KeyPair pair = keyPair();
      write(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
      write(pub, pem(pair.getPublic()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a signing key to " + key, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a signing key", e);
    }
  }

  private Path issue(
      String commonName,
      List<String> organizations,
      List<String> ips,
      List<String> dnsNames,
      KeyPurposeId purpose,
      Path to,
      Duration validity) {
    try {
      KeyPair pair = keyPair();
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              ca,
              new BigInteger(64, random).setBit(63),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              name(commonName, organizations),
              pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      List<GeneralName> alt = new ArrayList<>();
      ips.forEach(ip -> alt.add(new GeneralName(GeneralName.iPAddress, ip)));
      dnsNames.forEach(n -> alt.add(new GeneralName(GeneralName.dNSName, n)));
      if (!alt.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(alt.toArray(GeneralName[]::new)));
      }
      X509Certificate c = sign(b, caKey);
      Files.createDirectories(to);
      // Kubernetes clients get the key as SEC1 ("EC PRIVATE KEY"), the form kubeadm writes and
      // every Kubernetes client reads (fabric8 reads no PKCS#8 EC key); L2S-M's parts get PKCS#8.
      write(
          to.resolve(Credentials.KEY),
          organizations.equals(List.of("l2sm"))
              ? pem(new JcaPKCS8Generator(pair.getPrivate(), null))
              : sec1(pair.getPrivate()));
      write(to.resolve(Credentials.CERT), pem(c));
      write(to.resolve(Credentials.CA), pem(ca));
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write credentials to " + to, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
    }
  }

  /** SEC1 with the curve named inside, as Go's parser needs (Java's own encoding leaves it out). */
  private static String sec1(PrivateKey key) throws IOException {
    org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    org.bouncycastle.asn1.sec.ECPrivateKey named =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
    StringWriter s = new StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter w = new org.bouncycastle.util.io.pem.PemWriter(s)) {
      w.writeObject(
          new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", named.getEncoded()));
    }
    return s.toString();
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X500Name name(String commonName) {
    return name(commonName, List.of("l2sm"));
  }

  private static X500Name name(String commonName, List<String> organizations) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    organizations.forEach(o -> b.addRDN(BCStyle.O, o));
    return b.addRDN(BCStyle.CN, commonName).build();
  }

  /** The CA's certificate file in {@code dir} (made by {@link #at}). */
  public static Path caCertificate(Path dir) {
    return dir.resolve(Credentials.CA);
  }

  /** The CA's key file in {@code dir} (made by {@link #at}). */
  public static Path caKey(Path dir) {
    return dir.resolve(CA_KEY);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static X509Certificate read(Path f) throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(f)) {
      return (X509Certificate)
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  /** Writes a private file whole: a reader sees the old file or the new one. */
  private static void write(Path f, String text) throws IOException {
    AtomicFiles.replace(
        f,
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        PosixFilePermissions.fromString("rw-------"),
        AtomicFiles.Durability.PROCESS);
  }
}
