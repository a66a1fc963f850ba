package io.l2sm.controller.idco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
  @TempDir Path dir;

  Path file(String text) throws Exception {
    return Files.writeString(dir.resolve("tokens"), text);
  }

  @Test
  void readsClientsAndFindsThemByToken() throws Exception {
    Tokens t = Tokens.read(file("# ops\n\n0123456789abcdef0 write ops\nfedcba98765432100 read\n"));
    assertThat(t.client("0123456789abcdef0"))
        .get()
        .extracting(Tokens.Client::name)
        .isEqualTo("ops");
    assertThat(t.client("fedcba98765432100"))
        .get()
        .extracting(Tokens.Client::role)
        .isEqualTo(Tokens.Role.READ);
    assertThat(t.client("0123456789abcdef")).isEmpty();
  }

  @Test
  void badFilesAreRefusedWithTheLine() throws Exception {
    assertThatThrownBy(() -> Tokens.read(file("# nothing\n")))
        .hasMessageEndingWith("holds no token: the IDCO allows no anonymous use");
    assertThatThrownBy(() -> Tokens.read(file("short write\n")))
        .hasMessageEndingWith("line 1: a token needs at least 16 characters");
    assertThatThrownBy(() -> Tokens.read(file("\n0123456789abcdef0 admin\n")))
        .hasMessageEndingWith("line 2: role 'admin' is not read or write");
    assertThatThrownBy(() -> Tokens.read(file("0123456789abcdef0\n")))
        .hasMessageEndingWith("line 1: expected TOKEN ROLE [CLIENT]");
  }
}
