package io.kupgrade.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Writes one "host" directory (a broker or the ZooKeeper server): config, data, logs, installed versions with a
 * {@code current} link, and the POSIX shell scripts a plan's {@code service:} and {@code install:} call.
 */
final class HostLayout {

    private HostLayout() {
    }

    /**
     * @param dir the host directory
     * @param mainClass {@code kafka.Kafka} or {@code QuorumPeerMain}
     * @param configName file under {@code config/} passed as the only argument to {@code mainClass}
     * @param jvmOptions JVM options (heap, GC, JMX, logging), already complete
     * @param versions version -> lib dir, the first one becomes {@code current}
     */
    static void write(Path dir, String mainClass, String configName, List<String> jvmOptions,
                      Map<String, Path> versions) throws IOException {
        for (String sub : List.of("bin", "config", "data", "logs", "run", "versions")) {
            Files.createDirectories(dir.resolve(sub));
        }
        String current = null;
        for (Map.Entry<String, Path> v : versions.entrySet()) {
            Path link = dir.resolve("versions").resolve(v.getKey());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, v.getValue().toAbsolutePath());
            if (current == null) {
                current = v.getKey();
            }
        }
        Path currentLink = dir.resolve("versions").resolve("current");
        Files.deleteIfExists(currentLink);
        Files.createSymbolicLink(currentLink, Path.of(current)); // relative, as switch-version writes it

        String d = quote(dir.toAbsolutePath().toString());
        String config = "$DIR/config/" + configName;
        String java = quote(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        StringBuilder opts = new StringBuilder();
        for (String o : jvmOptions) {
            opts.append(' ').append(quote(o));
        }

        script(dir, "is-running", """
                #!/bin/sh
                # Exits 0 while the process bin/start launched last is alive (and is that process: its command
                # line names this host's config file, so a recycled pid is not mistaken for it).
                DIR=%1$s
                [ -s "$DIR/run/pid" ] || exit 1
                PID=$(cat "$DIR/run/pid")
                kill -0 "$PID" 2>/dev/null || exit 1
                if [ -r "/proc/$PID/cmdline" ]; then
                  # a zombie (exited, not yet reaped) is not running
                  STATE=$(sed 's/^.*) //' "/proc/$PID/stat" 2>/dev/null | cut -c1)
                  [ "$STATE" = Z ] && exit 1
                  tr '\\000' '\\n' < "/proc/$PID/cmdline" | grep -qxF "%2$s" || exit 1
                else
                  ps -p "$PID" -o args= | grep -qF "%2$s" || exit 1
                fi
                exit 0
                """.formatted(d, config.replace("$DIR", dir.toAbsolutePath().toString())));

        script(dir, "start", """
                #!/bin/sh
                # Starts the process in the background and returns at once; the caller waits for readiness.
                # Reads config/%3$s and the version versions/current points to, both as they are now.
                set -eu
                DIR=%1$s
                if "$DIR/bin/is-running"; then
                  echo "already running (pid $(cat "$DIR/run/pid"))" >&2
                  exit 0
                fi
                if [ ! -e "$DIR/versions/current" ]; then
                  echo "start: $DIR/versions/current does not point to an installed version" >&2
                  exit 1
                fi
                # Resolve 'current' once: the JVM keeps these jars even if switch-version repoints the link later.
                VERSION=$(readlink "$DIR/versions/current")
                LIB=$(cd -P "$DIR/versions/current" && pwd)
                JAVA=${KUPGRADE_JAVA:-%2$s}
                cd "$DIR"
                echo "$VERSION" > "$DIR/run/version"
                echo "=== $(date -u '+%%Y-%%m-%%dT%%H:%%M:%%SZ') start Kafka $VERSION" >> "$DIR/logs/stdout.log"
                setsid nohup "$JAVA"%4$s -cp "$LIB/*" %5$s "%6$s" >> "$DIR/logs/stdout.log" 2>&1 < /dev/null &
                PID=$!
                echo "$PID" > "$DIR/run/pid"
                # Return once the process is the JVM (exec done), so is-running is true right after start.
                i=0
                while [ "$i" -lt 100 ] && kill -0 "$PID" 2>/dev/null; do
                  if "$DIR/bin/is-running"; then
                    echo "started pid $PID (Kafka $VERSION)"
                    exit 0
                  fi
                  sleep 0.1
                  i=$((i + 1))
                done
                if kill -0 "$PID" 2>/dev/null; then
                  # still alive but slow to exec (a loaded machine): started, as far as this script can tell
                  echo "started pid $PID (Kafka $VERSION)"
                  exit 0
                fi
                echo "start: the process (pid $PID) exited at once; see $DIR/logs/stdout.log:" >&2
                tail -n 5 "$DIR/logs/stdout.log" >&2
                exit 1
                """.formatted(d, java, configName, opts, mainClass, config));

        script(dir, "stop", """
                #!/bin/sh
                # Sends SIGTERM (a controlled shutdown for a broker) and returns at once, like
                # kafka-server-stop.sh; wait for the exit with bin/is-running.
                DIR=%1$s
                if ! "$DIR/bin/is-running"; then
                  echo "not running"
                  exit 0
                fi
                PID=$(cat "$DIR/run/pid")
                kill -TERM "$PID"
                echo "sent SIGTERM to pid $PID"
                """.formatted(d));

        script(dir, "switch-version", """
                #!/bin/sh
                # switch-version <version>: points versions/current at an installed version. Takes effect at the
                # next start; a running process keeps the jars it started with.
                set -eu
                DIR=%1$s
                if [ $# -ne 1 ]; then
                  echo "usage: switch-version <version>" >&2
                  exit 2
                fi
                V=$1
                if [ "$V" = current ] || [ ! -d "$DIR/versions/$V" ]; then
                  echo "switch-version: Kafka $V is not installed on this host (installed: $(ls "$DIR/versions" | grep -vx current | tr '\\n' ' '))" >&2
                  exit 1
                fi
                ln -sfn "$V" "$DIR/versions/current"
                echo "versions/current -> $V (takes effect at the next start)"
                """.formatted(d));
    }

    private static void script(Path dir, String name, String body) throws IOException {
        Path f = dir.resolve("bin").resolve(name);
        Files.writeString(f, body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** POSIX single-quoting. */
    static String quote(String s) {
        if (s.matches("[A-Za-z0-9_./:=+,@%-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
