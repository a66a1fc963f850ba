/*
 * L2S-M CNI plugin: a thin shim that hands the CNI request to the node agent over its unix
 * socket, so no JVM starts per pod. It sends the CNI_* variables as KEY=VALUE lines, an empty
 * line, then the network configuration it read on stdin; the agent answers with the exit code
 * on the first line and the plugin's stdout after it, which the shim prints before exiting with
 * that code. Socket: $L2SM_AGENT_SOCKET, else /var/run/l2sm/agent.sock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static int fail(int code, const char *msg, const char *details) {
  printf("{\"cniVersion\":\"1.0.0\",\"code\":%d,\"msg\":\"%s\",\"details\":\"%s\"}", code, msg,
         details);
  return 1;
}

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

int main(void) {
  const char *cmd = getenv("CNI_COMMAND");
  if (cmd && strcmp(cmd, "VERSION") == 0) {
    fputs("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\","
          "\"1.0.0\"]}",
          stdout);
    return 0;
  }
  /* Read the whole configuration first: a caller must never see its write fail because the
     plugin gave up early. */
  size_t cap = 65536, len = 0;
  char *conf = malloc(cap);
  ssize_t r;
  if (!conf) return fail(5, "out of memory", "");
  while ((r = read(STDIN_FILENO, conf + len, cap - len)) > 0) {
    len += (size_t)r;
    if (len == cap) {
      if (cap >= (16u << 20)) return fail(6, "the network configuration is too large", "");
      cap *= 2;
      char *bigger = realloc(conf, cap);
      if (!bigger) return fail(5, "out of memory", "");
      conf = bigger;
    }
  }
  const char *path = getenv("L2SM_AGENT_SOCKET");
  if (!path || !*path) path = "/var/run/l2sm/agent.sock";
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path)) {
    return fail(11, "the L2S-M node agent socket path is too long", path);
  }
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    return fail(11, "the L2S-M node agent is not reachable", strerror(errno));
  }
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, "CNI_", 4) == 0 && !strchr(*e, '\n')) {
      if (write_all(fd, *e, strlen(*e)) < 0 || write_all(fd, "\n", 1) < 0) {
        return fail(5, "cannot send the request to the L2S-M node agent", strerror(errno));
      }
    }
  }
  if (write_all(fd, "\n", 1) < 0) {
    return fail(5, "cannot send the request to the L2S-M node agent", strerror(errno));
  }
  if (write_all(fd, conf, len) < 0) {
    return fail(5, "cannot send the request to the L2S-M node agent", strerror(errno));
  }
  free(conf);
  shutdown(fd, SHUT_WR);
  char buf[65536];
  ssize_t n;
  /* The reply: "<exit>\n<stdout>". */
  int code = -1;
  int in_header = 1;
  char digits[16];
  size_t nd = 0;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    size_t off = 0;
    while (in_header && off < (size_t)n) {
      char c = buf[off++];
      if (c == '\n') {
        digits[nd] = 0;
        code = atoi(digits);
        in_header = 0;
      } else if (nd < sizeof(digits) - 1) {
        digits[nd++] = c;
      }
    }
    if (!in_header && off < (size_t)n) fwrite(buf + off, 1, (size_t)n - off, stdout);
  }
  close(fd);
  if (code < 0) return fail(5, "the L2S-M node agent sent no reply", "");
  return code;
}
