package io.l2sm.translator.architecture;

/** A translator-package class that breaks the purity rule, for TranslatorArchitectureTest. */
final class OpensAConnection {
  Object client() {
    return java.net.http.HttpClient.newHttpClient();
  }
}
