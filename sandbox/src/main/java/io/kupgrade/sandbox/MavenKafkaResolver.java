package io.kupgrade.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Resolves the jars a Kafka broker of one version needs with Maven Resolver: local repository
 * {@code ~/.m2/repository} (or {@code -Dmaven.repo.local}), remote Maven Central.
 */
final class MavenKafkaResolver {

    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";
    /** log4j2 used when a 4.x Kafka brings no log4j-api to match (real-kafka-notes: 2.24.x for 4.0). */
    private static final String DEFAULT_LOG4J2 = "2.24.3";

    /** Artifacts a broker never loads; connect-runtime alone drags in Jetty and Jersey (real-kafka-notes). */
    private static final List<Exclusion> EXCLUSIONS = List.of(
            new Exclusion("org.apache.kafka", "connect-runtime", "*", "*"),
            new Exclusion("org.apache.kafka", "connect-file", "*", "*"),
            new Exclusion("org.apache.kafka", "kafka-streams", "*", "*"),
            new Exclusion("org.eclipse.jetty", "*", "*", "*"),
            new Exclusion("org.glassfish.jersey.core", "*", "*", "*"),
            new Exclusion("org.glassfish.jersey.containers", "*", "*", "*"),
            new Exclusion("org.glassfish.jersey.inject", "*", "*", "*"));

    List<Path> resolve(String version) {
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository())
                .setSystemProperties(System.getProperties())
                .build()) {
            List<RemoteRepository> repos = List.of(
                    new RemoteRepository.Builder("central", "default", CENTRAL).build());
            Map<String, Path> byKey = new LinkedHashMap<>();
            Map<String, String> versions = new LinkedHashMap<>();
            List<Dependency> roots = List.of(
                    dependency("org.apache.kafka:kafka_2.13:" + version),
                    dependency("org.apache.kafka:kafka-tools:" + version));
            collect(system, session, repos, roots, version, byKey, versions);

            if (Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 4) {
                // Kafka 4.x logs through log4j2 but 4.0 ships no binding at all and 4.1 no slf4j bridge:
                // without these the broker logs nothing (real-kafka-notes, "Logging").
                String log4j = versions.getOrDefault("org.apache.logging.log4j:log4j-api", DEFAULT_LOG4J2);
                String slf4j = versions.getOrDefault("org.slf4j:slf4j-api", "1.7.36");
                String binding = slf4j.startsWith("1.") ? "log4j-slf4j-impl" : "log4j-slf4j2-impl";
                collect(system, session, repos, List.of(
                        dependency("org.apache.logging.log4j:log4j-core:" + log4j),
                        dependency("org.apache.logging.log4j:" + binding + ":" + log4j)),
                        version, byKey, versions);
            }
            return new ArrayList<>(byKey.values());
        } finally {
            system.shutdown();
        }
    }

    private static void collect(RepositorySystem system, RepositorySystemSession session,
                                List<RemoteRepository> repos, List<Dependency> roots, String version,
                                Map<String, Path> byKey, Map<String, String> versions) {
        CollectRequest collect = new CollectRequest();
        collect.setDependencies(roots);
        collect.setRepositories(repos);
        DependencyRequest request = new DependencyRequest(collect,
                DependencyFilterUtils.classpathFilter("compile", "runtime"));
        try {
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                Artifact a = r.getArtifact();
                String key = a.getGroupId() + ":" + a.getArtifactId()
                        + (a.getClassifier().isEmpty() ? "" : ":" + a.getClassifier());
                // first wins: the roots' own tree decides versions, as Maven's nearest-wins did
                byKey.putIfAbsent(key, a.getPath());
                versions.putIfAbsent(a.getGroupId() + ":" + a.getArtifactId(), a.getVersion());
            }
        } catch (DependencyResolutionException e) {
            if (notFound(e, "org.apache.kafka:kafka_2.13:jar:" + version)
                    || notFound(e, "org.apache.kafka:kafka_2.13:pom:" + version)) {
                throw new SandboxException("Kafka " + version + " is not published on Maven Central (no "
                        + "org.apache.kafka:kafka_2.13:" + version + "); versions: "
                        + "https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/", e);
            }
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new SandboxException("cannot resolve Kafka " + version + " from Maven Central (" + CENTRAL
                    + ", local repository " + localRepository() + "): " + reason, e);
        }
    }

    /** True when the cause chain says {@code coords} does not exist in the repository. */
    private static boolean notFound(Throwable e, String coords) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ((t instanceof ArtifactNotFoundException || t instanceof ArtifactDescriptorException)
                    && String.valueOf(t.getMessage()).contains(coords)) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (notFound(s, coords)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Dependency dependency(String coords) {
        return new Dependency(new DefaultArtifact(coords), "runtime", false, EXCLUSIONS);
    }

    static Path localRepository() {
        String prop = System.getProperty("maven.repo.local");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }
}
