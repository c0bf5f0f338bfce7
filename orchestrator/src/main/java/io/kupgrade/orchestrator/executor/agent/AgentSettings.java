package io.kupgrade.orchestrator.executor.agent;

import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How {@link AgentExecutor} reaches the {@code kupgrade agent} on each host. Built from the plan's
 * {@code access.agent} by {@link #fromPlan}.
 *
 * @param port the agents' port (the same on every host)
 * @param token the bearer token, revealed only into the Authorization header
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param ssl the TLS context for HTTPS; null for plain HTTP
 */
public record AgentSettings(int port, Secret token, Duration connectTimeout, SSLContext ssl) {

    public AgentSettings {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port");
        }
    }

    /**
     * Settings from a plan's {@code access.agent}; relative keystore paths resolve against {@code baseDir},
     * {@code ~/} is the user's home.
     *
     * @throws IllegalArgumentException when spec is null or a keystore cannot be read (the message names the file, never a password)
     */
    public static AgentSettings fromPlan(AccessSpec.AgentSpec spec, Path baseDir) {
        if (spec == null) {
            throw new IllegalArgumentException("access.agent is required with executor: agent");
        }
        return new AgentSettings(spec.port(), spec.token(), spec.connectTimeout(),
                spec.tls() == null ? null : sslContext(spec.tls(), baseDir));
    }

    private static SSLContext sslContext(AccessSpec.AgentTlsSpec tls, Path baseDir) {
        try {
            TrustManagerFactory tmf = null;
            if (tls.truststore() != null) {
                KeyStore trust = load(resolve(tls.truststore(), baseDir), tls.truststorePassword());
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (tls.keystore() != null) {
                char[] password = password(tls.keystorePassword());
                KeyStore keys = load(resolve(tls.keystore(), baseDir), tls.keystorePassword());
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("access.agent.tls: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, Secret password) throws GeneralSecurityException {
        try {
            return KeyStore.getInstance(file.toFile(), password(password));
        } catch (IOException e) {
            throw new IllegalArgumentException("access.agent.tls: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static char[] password(Secret secret) {
        return secret == null ? null : secret.reveal().toCharArray();
    }

    static Path resolve(String path, Path baseDir) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(path.length() <= 2 ? "" : path.substring(2));
        }
        Path p = Path.of(path);
        return p.isAbsolute() ? p : baseDir.resolve(p).normalize();
    }

    @Override
    public String toString() {
        return "AgentSettings[port=" + port + ", token=" + token.masked() + ", connectTimeout=" + connectTimeout
                + ", tls=" + (ssl != null) + "]";
    }
}
