package io.l2sm.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Credentials as real issuers write them, made here by openssl: RSA keys in PKCS#1 (what Helm's
 * genSignedCert and cert-manager's default write), EC keys in SEC1 with their parameters block
 * (openssl ecparam, cert-manager's ECDSA), and PKCS#8.
 */
class CredentialsTest {
  @TempDir Path dir;

  void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  /** A CA in ca.crt / ca.key. */
  void ca(String name) throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt");
  }

  /** A key of the given form in {@code key}. */
  void key(String form, String key) throws Exception {
    switch (form) {
      case "pkcs1" -> openssl("genrsa", "-traditional", "-out", key, "2048");
      case "sec1" -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", key);
      case "pkcs8" ->
          openssl(
              "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
      default -> throw new IllegalArgumentException(form);
    }
  }

  /**
   * A certificate for {@code cn} with key {@code key}, signed by CA {@code ca}, into {@code out}.
   */
  void sign(String cn, String key, String ca, String out) throws Exception {
    openssl("req", "-new", "-key", key, "-subj", "/CN=" + cn, "-out", out + ".csr");
    openssl(
        "x509",
        "-req",
        "-in",
        out + ".csr",
        "-CA",
        ca + ".crt",
        "-CAkey",
        ca + ".key",
        "-CAcreateserial",
        "-days",
        "1",
        "-out",
        out);
  }

  /** A credentials folder {@code name}/ with tls.crt, tls.key, ca.crt. */
  Path folder(String name, String cn, String form, String ca) throws Exception {
    key(form, name + ".key");
    sign(cn, name + ".key", ca, name + ".crt");
    Path f = Files.createDirectories(dir.resolve(name));
    Files.copy(
        dir.resolve(name + ".key"),
        f.resolve(Credentials.KEY),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        dir.resolve(name + ".crt"),
        f.resolve(Credentials.CERT),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        dir.resolve(ca + ".crt"), f.resolve(Credentials.CA), StandardCopyOption.REPLACE_EXISTING);
    return f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"pkcs1", "sec1", "pkcs8"})
  void keysInEveryFormIssuersWriteLoad(String form) throws Exception {
    ca("ca");
    assertThat(Files.readString(dir.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    Path f = folder("p", "agent:n1", form, "ca");
    String pem = Files.readString(f.resolve(Credentials.KEY));
    assertThat(pem)
        .contains(
            switch (form) {
              case "pkcs1" -> "BEGIN RSA PRIVATE KEY";
              case "sec1" -> "BEGIN EC PRIVATE KEY";
              default -> "BEGIN PRIVATE KEY";
            });
    try (Credentials c = Credentials.load(f)) {
      assertThat(c.commonName()).isEqualTo("agent:n1");
      assertThat(Identity.parse(c.commonName())).isEqualTo(Identity.agent("n1"));
      assertThat(c.server()).isNotNull();
      assertThat(c.client()).isNotNull();
    }
  }

  @Test
  void whatIsWrongWithAFolderIsNamed() throws Exception {
    ca("ca");
    ca("other");
    Path f = folder("p", "operator", "pkcs8", "ca");
    // Another key than the certificate's.
    key("pkcs8", "stray.key");
    Files.copy(
        dir.resolve("stray.key"), f.resolve(Credentials.KEY), StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Credentials.load(f))
        .hasMessageEndingWith("tls.key is not the key of tls.crt");
    // A certificate another CA signed.
    Path g = folder("q", "operator", "pkcs8", "other");
    Files.copy(
        dir.resolve("ca.crt"), g.resolve(Credentials.CA), StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Credentials.load(g))
        .hasMessageEndingWith("tls.crt is not signed by ca.crt");
    // A file missing, a key that is no key, a certificate that is no certificate.
    Path h = folder("r", "operator", "pkcs8", "ca");
    Files.delete(h.resolve(Credentials.CA));
    assertThatThrownBy(() -> Credentials.load(h))
        .hasMessageContaining("ca.crt is missing or not readable");
    Path k = folder("s", "operator", "pkcs8", "ca");
    Files.writeString(k.resolve(Credentials.KEY), "not a key\n");
    assertThatThrownBy(() -> Credentials.load(k))
        .hasMessageContaining(
            "tls.key holds no unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8)");
    Files.copy(
        dir.resolve("s.key"), k.resolve(Credentials.KEY), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(k.resolve(Credentials.CERT), "");
    assertThatThrownBy(() -> Credentials.load(k))
        .hasMessageContaining("tls.crt holds no PEM certificate");
  }

  @Test
  void aChangedValidSetReplacesTheOldAndABadOneIsNotTaken() throws Exception {
    ca("ca");
    Path f = folder("p", "controller", "sec1", "ca");
    try (Credentials c = Credentials.load(f)) {
      BigInteger first = c.serial();
      c.reloadIfChanged();
      assertThat(c.serial()).isEqualTo(first);
      // A new certificate and key, as a renewal writes them.
      key("sec1", "new.key");
      sign("controller", "new.key", "ca", "new.crt");
      Files.copy(
          dir.resolve("new.key"), f.resolve(Credentials.KEY), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          dir.resolve("new.crt"), f.resolve(Credentials.CERT), StandardCopyOption.REPLACE_EXISTING);
      c.reloadIfChanged();
      BigInteger second = c.serial();
      assertThat(second).isNotEqualTo(first);
      // A half-written change (the old key under the new certificate... now a stray one): kept.
      key("sec1", "stray.key");
      Files.copy(
          dir.resolve("stray.key"),
          f.resolve(Credentials.KEY),
          StandardCopyOption.REPLACE_EXISTING);
      c.reloadIfChanged();
      assertThat(c.serial()).isEqualTo(second);
      // Once the matching key arrives, the set is whole again and taken.
      key("sec1", "third.key");
      sign("controller", "third.key", "ca", "third.crt");
      Files.copy(
          dir.resolve("third.crt"),
          f.resolve(Credentials.CERT),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          dir.resolve("third.key"),
          f.resolve(Credentials.KEY),
          StandardCopyOption.REPLACE_EXISTING);
      c.reloadIfChanged();
      assertThat(c.serial()).isNotEqualTo(second).isNotEqualTo(first);
    }
  }

  @Test
  void anAgentFindsItsNodeInAFolderOfEveryNode() throws Exception {
    ca("ca");
    Path all = Files.createDirectories(dir.resolve("agents"));
    for (String n : List.of("n1", "n2")) {
      key("pkcs1", n + ".key");
      sign("agent:" + n, n + ".key", "ca", n + ".crt");
      Files.copy(dir.resolve(n + ".key"), all.resolve(n + ".key"));
      Files.copy(dir.resolve(n + ".crt"), all.resolve(n + ".crt"));
    }
    Files.copy(dir.resolve("ca.crt"), all.resolve(Credentials.CA));
    try (Credentials c = Credentials.forNode(all, "n2")) {
      assertThat(c.commonName()).isEqualTo("agent:n2");
    }
    assertThatThrownBy(() -> Credentials.forNode(all, "n9"))
        .hasMessageEndingWith("no credentials for node n9 (neither tls.crt nor n9.crt)");
  }
}
