package io.l2sm.controller.idco;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The IDCO's clients: bearer tokens, each with a role. Read from a file of lines {@code TOKEN ROLE
 * [CLIENT]}, where ROLE is {@code write} (read and change networks) or {@code read}; blank lines
 * and {@code #} comments are skipped. There is no anonymous access.
 */
public final class Tokens {
  /** What a client may do. */
  public enum Role {
    READ,
    WRITE
  }

  /** One client. */
  public record Client(String name, Role role, byte[] token) {}

  private final List<Client> clients;

  private Tokens(List<Client> clients) {
    this.clients = List.copyOf(clients);
  }

  /** Reads a token file; a precise error for each bad line, and for a file with no token. */
  public static Tokens read(Path file) throws IOException {
    List<Client> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      String where = file + " line " + (i + 1);
      if (f.length < 2 || f.length > 3) {
        throw new IllegalArgumentException(where + ": expected TOKEN ROLE [CLIENT]");
      }
      if (f[0].length() < 16) {
        throw new IllegalArgumentException(where + ": a token needs at least 16 characters");
      }
      Role role =
          switch (f[1]) {
            case "write" -> Role.WRITE;
            case "read" -> Role.READ;
            default ->
                throw new IllegalArgumentException(
                    where + ": role '" + f[1] + "' is not read or write");
          };
      out.add(
          new Client(
              f.length == 3 ? f[2] : "client-" + (out.size() + 1),
              role,
              f[0].getBytes(StandardCharsets.UTF_8)));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          file + " holds no token: the IDCO allows no anonymous use");
    }
    return new Tokens(out);
  }

  /** The client a bearer token belongs to (compared in constant time), or empty. */
  public Optional<Client> client(String token) {
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    Client found = null;
    for (Client c : clients) {
      if (MessageDigest.isEqual(c.token(), given)) {
        found = c;
      }
    }
    return Optional.ofNullable(found);
  }
}
