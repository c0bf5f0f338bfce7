package io.kupgrade.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The jars of one Apache Kafka version, in one directory, ready for {@code java -cp "<libDir>/*"}.
 *
 * <p>Two sources:
 * <ul>
 *   <li>{@link #resolve(String)}: {@code org.apache.kafka:kafka_2.13} and {@code kafka-tools} of that version
 *       (and their runtime dependencies, without {@code connect-runtime}), plus a log4j2 binding for 4.x, are
 *       resolved from Maven Central through the local repository {@code ~/.m2/repository} (Maven Resolver) and
 *       linked into {@code <cache>/kafka/<version>/lib}. The cache is {@code $KUPGRADE_CACHE} or, by default,
 *       {@code ~/.cache/kupgrade}. The first resolution of a version downloads about 40 MB (about 35 s);
 *       later ones reuse the cache and cost nothing.</li>
 *   <li>{@link #fromKafkaHome(Path)}: an existing installation with the official tarball layout
 *       ({@code libs/kafka_2.13-<version>.jar}, ...).</li>
 * </ul>
 *
 * <p>Thread- and process-safe: the lib directory is built in a temporary directory and renamed into place, so
 * JVMs that resolve the same version at the same moment each see either no directory or a complete one.
 *
 * @param version the Kafka version, e.g. {@code 3.8.1}
 * @param libDir the directory holding (links to) every jar of that version
 */
public record KafkaDistribution(String version, Path libDir) {

    private static final Pattern KAFKA_JAR = Pattern.compile("kafka_\\d+\\.\\d+-(\\d+\\.\\d+\\.\\d+[^/]*?)\\.jar");
    private static final String COMPLETE_MARKER = ".complete";
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    public KafkaDistribution {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(libDir, "libDir");
    }

    /**
     * The distribution of {@code version} from the default cache, resolving it from Maven Central first if it
     * is not there yet.
     *
     * @throws SandboxException when the version cannot be resolved (unknown version, no network and not cached)
     */
    public static KafkaDistribution resolve(String version) {
        return resolve(version, defaultCacheDir());
    }

    /**
     * Like {@link #resolve(String)} with an explicit cache directory (the {@code kafka/<version>/lib}
     * directories are created under it).
     *
     * @throws SandboxException when the version cannot be resolved
     */
    public static KafkaDistribution resolve(String version, Path cacheDir) {
        if (version == null || !version.matches("\\d+\\.\\d+\\.\\d+[\\w.-]*")) {
            throw new SandboxException("not a Kafka version: '" + version + "' (expected e.g. 3.8.1)");
        }
        Path versionDir = cacheDir.resolve("kafka").resolve(version);
        Path lib = versionDir.resolve("lib");
        if (isComplete(lib)) {
            return new KafkaDistribution(version, lib);
        }
        try {
            Files.createDirectories(versionDir);
            // One resolution per version at a time: threads of this JVM wait on the monitor, other JVMs on the
            // file lock; whoever comes second finds the directory complete.
            synchronized (LOCKS.computeIfAbsent(lib, k -> new Object())) {
                try (FileChannel channel = FileChannel.open(versionDir.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    if (!isComplete(lib)) {
                        materialize(version, versionDir, lib);
                    }
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot materialize Kafka " + version + " in " + lib + ": " + e, e);
        }
        return new KafkaDistribution(version, lib);
    }

    private static void materialize(String version, Path versionDir, Path lib) throws IOException {
        List<Path> jars = new MavenKafkaResolver().resolve(version);
        Path tmp = versionDir.resolve("lib.tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            for (Path jar : jars) {
                // Links, not copies: the jars already sit in ~/.m2; isComplete() re-checks that they still do.
                Files.createSymbolicLink(tmp.resolve(jar.getFileName().toString()), jar.toAbsolutePath());
            }
            Files.writeString(tmp.resolve(COMPLETE_MARKER), String.join("\n", jars.stream().map(Path::toString).toList()));
            if (Files.exists(lib) && !isComplete(lib)) {
                // a stale directory whose links broke (e.g. ~/.m2 cleaned): move it aside, then replace it
                Path stale = versionDir.resolve("lib.stale-" + UUID.randomUUID());
                try {
                    Files.move(lib, stale, StandardCopyOption.ATOMIC_MOVE);
                    deleteRecursively(stale);
                } catch (IOException raced) {
                    // another JVM moved it first
                }
            }
            try {
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Linux reports a rename onto a non-empty directory as a plain FileSystemException
                if (!isComplete(lib)) {
                    throw e;
                }
                // another thread or JVM finished the same version first: use theirs
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    /**
     * An existing Kafka installation (official tarball layout): its {@code libs/} directory, the version read
     * from the name of its {@code kafka_2.x-<version>.jar}.
     *
     * @throws SandboxException when {@code kafkaHome} is not a directory or has no {@code libs/kafka_*.jar}
     */
    public static KafkaDistribution fromKafkaHome(Path kafkaHome) {
        if (!Files.exists(kafkaHome)) {
            throw new SandboxException("no such directory: " + kafkaHome);
        }
        if (!Files.isDirectory(kafkaHome)) {
            throw new SandboxException("not a directory: " + kafkaHome);
        }
        Path libs = kafkaHome.resolve("libs");
        if (!Files.isDirectory(libs)) {
            throw new SandboxException("not a Kafka installation (no libs/ directory): " + kafkaHome);
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(libs, "kafka_*.jar")) {
            for (Path jar : jars) {
                Matcher m = KAFKA_JAR.matcher(jar.getFileName().toString());
                if (m.matches() && !jar.getFileName().toString().contains("-test")) {
                    return new KafkaDistribution(m.group(1), libs.toAbsolutePath());
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read " + libs + ": " + e.getMessage(), e);
        }
        throw new SandboxException("not a Kafka installation (no libs/kafka_2.x-<version>.jar): " + kafkaHome);
    }

    /** {@code $KUPGRADE_CACHE}, or {@code ~/.cache/kupgrade} when it is not set. */
    public static Path defaultCacheDir() {
        String env = System.getenv("KUPGRADE_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "kupgrade");
    }

    /** Major version number (2, 3, 4, ...). */
    public int major() {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    /** The jar files of this distribution, sorted by name. */
    public List<Path> jars() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(libDir, "*.jar")) {
            s.forEach(out::add);
        } catch (IOException e) {
            throw new SandboxException("cannot read " + libDir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    private static boolean isComplete(Path lib) {
        if (!Files.isRegularFile(lib.resolve(COMPLETE_MARKER))) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(lib, "*.jar")) {
            for (Path jar : s) {
                if (!Files.isRegularFile(jar)) {
                    return false; // dangling link
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteRecursively(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                    for (Path c : s) {
                        deleteRecursively(c);
                    }
                }
            }
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: a leftover temp directory is harmless
        }
    }
}
