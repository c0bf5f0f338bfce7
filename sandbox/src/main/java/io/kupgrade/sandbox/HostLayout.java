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

    /**
     * The part of {@code bin/start} that chooses the class data sharing (AppCDS) options; expects {@code DIR},
     * {@code LIB}, {@code JAVA}, {@code MAIN} and {@code CACHE}, sets the positional parameters to the JVM options
     * and {@code CDS_NOTE} (for the start line in {@code stdout.log}) and {@code CDS_DUMP}.
     *
     * <p>One JDK dynamic archive per (lib dir, main class, JVM): its name holds the main class, the JDK version
     * and a checksum of the JDK's home and {@code release} file and of the lib dir's listing (names, sizes,
     * dates), so a changed jar or JDK gets a new archive instead of a rejected one. It lives beside the lib dir
     * in the cache ({@code <cache>/kafka/<version>/cds/}; for a {@code kafkaHome} outside the cache,
     * {@code <cache>/cds/lib-<checksum of its path>/}), so later sandboxes reuse it. A start that finds none,
     * and no live JVM that will write one, runs with {@code -XX:ArchiveClassesAtExit=<key>.tmp-<unique>.jsa} and
     * records that JVM's pid beside it (one writer at a time: the dump costs its JVM 2-5 s at exit); a later
     * start adopts a finished one with a rename to {@code <key>.<size>.jsa}. Finished means: its writer is gone
     * and its header is there (HotSpot writes the header, magic first, after everything else, so a dump cut short
     * by SIGKILL has none and is deleted). And only the archive of a JVM that {@code bin/stop} stopped is adopted
     * ({@code bin/stop} leaves a {@code .stopped} mark beside it): a JVM that exits by itself, e.g. a broker
     * refusing its config, also writes one, with a third of the classes (18 of 51 MB for Kafka 4.1.2), which
     * would then be used for good. Concurrent starts (brokers and ZooKeeper, sandboxes in parallel) at
     * worst both write or both adopt one: each archive is complete, the spare one unused.
     *
     * <p>Every start checks the archive's size against its name and its magic before use: JDK 17 does not
     * fall back on a truncated archive, it dies of SIGBUS while mapping it (measured on 17.0.15), so a damaged
     * archive is deleted here and the JVM starts without one (and writes a new one at exit). Anything else a
     * JVM cannot use (another JDK's archive, another classpath) it skips by itself with {@code -Xshare:auto}, the
     * default. Anything unexpected here (no {@code release} file, a JDK before 13, a cache that cannot be
     * written) means: start without. CDS warnings (a dump prints dozens: "Pre JDK 6 class not supported by CDS")
     * go to {@code logs/cds.log}, rewritten at each start; CDS errors stay in {@code stdout.log}.
     * {@code KUPGRADE_CDS=off} in the environment of {@code bin/start} turns it off for that start.
     */
    static final String CDS_SCRIPT = """
            # Class data sharing (AppCDS): see HostLayout.CDS_SCRIPT in kupgrade's sandbox for the rules.
            CDS_ARCHIVE=
            CDS_DUMP=
            CDS_NOTE=off
            cds_magic_ok() {
              # HotSpot writes the header (magic 0xf00baba8 first) last: a dump cut short has none
              [ "$(head -c 4 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \\n')" = a8ab0bf0 ]
            }
            cds_writer_alive() {
              # $1: the pid file written beside the temporary archive $2; alive = that pid still runs the JVM
              [ -s "$1" ] || return 1
              CDS_PID=$(cat "$1" 2>/dev/null) || return 1
              kill -0 "$CDS_PID" 2>/dev/null || return 1
              [ -r "/proc/$CDS_PID/cmdline" ] || return 0
              tr '\\000' '\\n' < "/proc/$CDS_PID/cmdline" 2>/dev/null | grep -qxF -e "-XX:ArchiveClassesAtExit=$2"
            }
            cds_find_adopted() {
              # an adopted archive: <key>.<size>.jsa; one of another size (truncated) or without magic is removed
              for f in "$CDS_DIR/$CDS_KEY".*.jsa; do
                [ -f "$f" ] || continue
                case "$f" in *.tmp-*) continue ;; esac
                CDS_WANT=${f%.jsa}
                CDS_WANT=${CDS_WANT##*.}
                CDS_HAVE=$(wc -c < "$f" 2>/dev/null | tr -d ' ')
                if [ "$CDS_HAVE" = "$CDS_WANT" ] && cds_magic_ok "$f"; then
                  CDS_ARCHIVE=$f
                  return 0
                fi
                echo "class data sharing: removing the damaged archive $f ($CDS_HAVE bytes, expected $CDS_WANT)" \\
                  >> "$DIR/logs/stdout.log"
                rm -f "$f"
              done
            }
            cds_setup() {
              CDS_JAVA=$(command -v "$JAVA") || return 1
              CDS_JAVA=$(readlink -f "$CDS_JAVA") || return 1
              CDS_HOME=$(dirname "$(dirname "$CDS_JAVA")") || return 1
              CDS_JV=$(sed -n 's/^JAVA_VERSION="\\([0-9][0-9.]*\\).*/\\1/p' "$CDS_HOME/release" 2>/dev/null) || return 1
              case "${CDS_JV%%.*}" in
                '') CDS_NOTE="off (no JAVA_VERSION in $CDS_HOME/release)"; return 1 ;;
                1|[1-9]|1[0-2]) CDS_NOTE="off (no dynamic archives before JDK 13: $CDS_HOME)"; return 1 ;;
              esac
              if [ -f "$LIB/.complete" ]; then
                CDS_DIR=$(dirname "$LIB")/cds
              else
                CDS_DIR=$CACHE/cds/lib-$(printf '%s' "$LIB" | cksum | cut -d' ' -f1)
              fi
              CDS_KEY=$({ echo "$MAIN"; echo "$CDS_HOME"; cat "$CDS_HOME/release"; ls -lLn "$LIB"; } 2>/dev/null \\
                | cksum | cut -d' ' -f1) || return 1
              CDS_KEY=$MAIN-jdk$CDS_JV-$CDS_KEY
              mkdir -p "$CDS_DIR" 2>/dev/null || true
              cds_find_adopted
              # temporary archives whose JVM is gone: adopt the first finished one of a JVM that bin/stop stopped,
              # remove the others
              for t in "$CDS_DIR/$CDS_KEY".tmp-*.jsa; do
                [ -f "$t" ] || continue
                CDS_PIDF=${t%.jsa}.pid
                ! cds_writer_alive "$CDS_PIDF" "$t" || continue
                if [ -z "$CDS_ARCHIVE" ] && [ -f "${t%.jsa}.stopped" ] && cds_magic_ok "$t"; then
                  CDS_SIZE=$(wc -c < "$t" | tr -d ' ')
                  if mv -f "$t" "$CDS_DIR/$CDS_KEY.$CDS_SIZE.jsa" 2>/dev/null; then
                    CDS_ARCHIVE=$CDS_DIR/$CDS_KEY.$CDS_SIZE.jsa
                  fi
                  rm -f "$CDS_PIDF" "${t%.jsa}.stopped"
                elif [ -f "$CDS_PIDF" ] || [ -n "$(find "$t" -mmin +5 2>/dev/null)" ]; then
                  # redundant, cut short, or from a JVM that exited by itself (its writer is gone, or unknown and
                  # silent for 5 minutes)
                  rm -f "$t" "$CDS_PIDF" "${t%.jsa}.stopped"
                fi
              done
              # another start adopted the one this start tried to
              [ -n "$CDS_ARCHIVE" ] || cds_find_adopted
              # pid files: of a JVM that writes an archive at its exit, or of one that died without (SIGKILL)
              CDS_WRITER=
              for p in "$CDS_DIR/$CDS_KEY".tmp-*.pid; do
                [ -f "$p" ] || continue
                if cds_writer_alive "$p" "${p%.pid}.jsa"; then
                  CDS_WRITER=$CDS_PID
                elif [ ! -e "${p%.pid}.jsa" ]; then
                  rm -f "$p" "${p%.pid}.stopped"
                fi
              done
              if [ -n "$CDS_ARCHIVE" ]; then
                CDS_NOTE="using $CDS_ARCHIVE"
              elif [ -n "$CDS_WRITER" ]; then
                # one writer at a time: a dump costs its JVM 2-5 s at exit
                CDS_NOTE="none yet; pid $CDS_WRITER writes $CDS_DIR/$CDS_KEY.* at its exit"
              elif [ -w "$CDS_DIR" ]; then
                CDS_DUMP=$CDS_DIR/$CDS_KEY.tmp-$$-$(date +%s%N).jsa
                CDS_NOTE="none yet, writing $CDS_DUMP at exit"
              else
                CDS_NOTE="off (cannot write $CDS_DIR)"
              fi
            }
            if [ "${KUPGRADE_CDS:-on}" = off ]; then
              CDS_NOTE="off (KUPGRADE_CDS=off)"
            else
              cds_setup || { CDS_ARCHIVE=; CDS_DUMP=; }
            fi
            set --
            if [ -n "$CDS_ARCHIVE" ]; then
              set -- "-XX:SharedArchiveFile=$CDS_ARCHIVE"
            elif [ -n "$CDS_DUMP" ]; then
              set -- "-XX:ArchiveClassesAtExit=$CDS_DUMP"
            fi
            if [ $# -gt 0 ]; then
              # dozens of warnings at a dump ("Pre JDK 6 class not supported by CDS"): a file of their own
              set -- "$@" '-Xlog:cds*=error' "-Xlog:cds*=warning:file=\\"$DIR/logs/cds.log\\"::filecount=0"
            fi
            """;

    private HostLayout() {
    }

    /** Without class data sharing (see {@link #write(Path, String, String, List, Map, Path)}). */
    static void write(Path dir, String mainClass, String configName, List<String> jvmOptions,
                      Map<String, Path> versions) throws IOException {
        write(dir, mainClass, configName, jvmOptions, versions, null);
    }

    /**
     * @param dir the host directory
     * @param mainClass {@code kafka.Kafka} or {@code QuorumPeerMain}
     * @param configName file under {@code config/} passed as the only argument to {@code mainClass}
     * @param jvmOptions JVM options (heap, GC, JMX, logging), already complete
     * @param versions version -> lib dir, the first one becomes {@code current}
     * @param cdsCache the kupgrade cache ({@code ~/.cache/kupgrade}) when {@code bin/start} should use a class data
     *     sharing archive (see {@link #CDS_SCRIPT}); null = never
     */
    static void write(Path dir, String mainClass, String configName, List<String> jvmOptions,
                      Map<String, Path> versions, Path cdsCache) throws IOException {
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
                MAIN=%5$s
                cd "$DIR"
                echo "$VERSION" > "$DIR/run/version"
                %7$s
                echo "=== $(date -u '+%%Y-%%m-%%dT%%H:%%M:%%SZ') start Kafka $VERSION (class data sharing: $CDS_NOTE)" \\
                  >> "$DIR/logs/stdout.log"
                setsid nohup "$JAVA"%4$s "$@" -cp "$LIB/*" "$MAIN" "%6$s" >> "$DIR/logs/stdout.log" 2>&1 < /dev/null &
                PID=$!
                echo "$PID" > "$DIR/run/pid"
                if [ -n "$CDS_DUMP" ]; then
                  # bin/stop marks this archive as one to keep (see HostLayout.CDS_SCRIPT)
                  { echo "$PID" > "${CDS_DUMP%%.jsa}.pid" && echo "$CDS_DUMP" > "$DIR/run/cds-dump"; } || true
                else
                  rm -f "$DIR/run/cds-dump"
                fi
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
                """.formatted(d, java, configName, opts, quote(mainClass), config,
                cdsCache == null ? "set --\nCDS_NOTE=off\nCDS_DUMP="
                        : "CACHE=" + quote(cdsCache.toAbsolutePath().toString()) + "\n" + CDS_SCRIPT.strip()));

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
                # A class data sharing archive this JVM writes at exit is kept only when it was stopped from outside,
                # not when it exited by itself (e.g. a startup failure, whose archive would lack most classes).
                if [ -s "$DIR/run/cds-dump" ]; then
                  T=$(cat "$DIR/run/cds-dump")
                  if [ "$(cat "${T%%.jsa}.pid" 2>/dev/null)" = "$PID" ]; then
                    : > "${T%%.jsa}.stopped" 2>/dev/null || true
                  fi
                fi
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
