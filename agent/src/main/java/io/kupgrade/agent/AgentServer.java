package io.kupgrade.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kupgrade agent: an HTTP(S) server on a broker host that does only what kupgrade needs, never an
 * arbitrary command. Every call must carry {@code Authorization: Bearer <token>} (and, with
 * {@code tls.truststore}, a trusted client certificate); otherwise it gets 401 and changes nothing.
 *
 * <ul>
 *   <li>{@code GET /v1/status} → {@code {agentVersion, running, isRunningExitCode, configFile, configSha256}}</li>
 *   <li>{@code GET /v1/config[?backupSuffix=.S]} → {@code {content, sha256}} of server.properties (or of the
 *       backup {@code configFile + S}); 404 when missing</li>
 *   <li>{@code PUT /v1/config} with {@code {expectedSha256, content, backupSuffix}} → {@code {sha256}}: the
 *       current file is copied to {@code configFile + backupSuffix}, then replaced atomically; 409 with
 *       {@code currentSha256} when the hash does not match (nothing written); 400 for empty content, NUL or
 *       non-Latin-1 text.
 *       {@code expectedSha256: null} means "I expect no file"</li>
 *   <li>{@code POST /v1/run} with {@code {action, args, timeoutMillis}} → {@code {exitCode, stdout, stderr,
 *       timedOut}}: action is {@code stop}, {@code start}, {@code isRunning} (no args) or {@code install}
 *       (args = install name, then one value per allowed pattern); anything else is 403 and runs nothing. The
 *       timeout is capped at {@code maxCommandTimeout}</li>
 * </ul>
 *
 * Errors are {@code {"error": "..."}}. stop/start/install and config writes run one at a time. Every request
 * is logged at INFO with method, path, status and caller address; the token never is.
 *
 * <p>Thread-safe. {@link #close()} stops listening and waits up to 5 s for requests in flight.
 */
public final class AgentServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);
    private static final int MIN_TOKEN_LENGTH = 16;
    private static final Set<String> PUT_CONFIG_FIELDS = Set.of("expectedSha256", "content", "backupSuffix");
    private static final Set<String> RUN_FIELDS = Set.of("action", "args", "timeoutMillis");
    private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final AgentConfig config;
    private final byte[] tokenHash;
    private final HttpServer server;
    private final ExecutorService threads;
    private final ConfigStore store;
    private final CommandRunner runner;
    private final ObjectMapper json = new ObjectMapper();
    // stop/start/install and config writes must not interleave (a start racing a stop)
    private final ReentrantLock mutation = new ReentrantLock();
    // JDK 17's HttpServer.stop(delay) always waits the whole delay, so close() waits for these itself
    private final Object inFlightLock = new Object();
    private int inFlight;

    private AgentServer(AgentConfig config, byte[] tokenHash, HttpServer server, ExecutorService threads) {
        this.config = config;
        this.tokenHash = tokenHash;
        this.server = server;
        this.threads = threads;
        this.store = new ConfigStore(config.configFile());
        this.runner = new CommandRunner(config.maxOutputBytes());
    }

    /**
     * Reads the token (and TLS material) and starts listening.
     *
     * @throws AgentConfigException (one line, located at the field in the configuration file) for an unreadable,
     *     empty or short token file, unusable TLS files or passwords, an address that is not a known host or not
     *     this host's, or a port in use
     * @throws java.io.UncheckedIOException when the server cannot be created for another reason
     */
    public static AgentServer start(AgentConfig config) {
        byte[] tokenHash = sha256(readToken(config));
        InetSocketAddress address = new InetSocketAddress(listenAddress(config), config.port());
        SSLContext ssl = config.tls() == null ? null : sslContext(config.tls(), config.source());
        HttpServer server;
        try {
            if (ssl == null) {
                server = HttpServer.create(address, 16);
            } else {
                HttpsServer https = HttpsServer.create(address, 16);
                boolean mutual = config.tls().mutual();
                https.setHttpsConfigurator(new HttpsConfigurator(ssl) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters p = ssl.getDefaultSSLParameters();
                        p.setNeedClientAuth(mutual);
                        params.setSSLParameters(p);
                    }
                });
                server = https;
            }
        } catch (BindException e) {
            throw cannotListen(config, address.getAddress(), e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot listen on " + config.address() + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "kupgrade-agent-http");
            t.setDaemon(false);
            return t;
        });
        server.setExecutor(threads);
        AgentServer agent = new AgentServer(config, tokenHash, server, threads);
        server.createContext("/", agent::handle);
        server.start();
        LOG.info("kupgrade agent listening on {}:{} ({}), config file {}, installs {}", config.address(),
                agent.port(), config.tls() == null ? "http, bearer token"
                        : config.tls().mutual() ? "https, mutual TLS and bearer token" : "https, bearer token",
                config.configFile(), config.installs().keySet());
        return agent;
    }

    /** The port actually listened on (useful with {@code port: 0}). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The agent's version, from the jar manifest; {@code dev} when run from classes. */
    public static String version() {
        String v = AgentServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (inFlightLock) {
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    inFlightLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        server.stop(0);
        threads.shutdown();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readToken(AgentConfig config) {
        Path file = config.tokenFile();
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new AgentConfigException(config.source().locate("tokenFile") + "cannot read " + file + ": "
                    + AgentConfig.reason(e));
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                LOG.warn("the token file {} is readable by other users; chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        if (token.length() < MIN_TOKEN_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
            throw new AgentConfigException(config.source().locate("tokenFile") + file
                    + " must hold one token of at least " + MIN_TOKEN_LENGTH + " characters without spaces");
        }
        return token;
    }

    /** The address to listen on, resolved here so that a name that is not a host is a located error. */
    private static InetAddress listenAddress(AgentConfig config) {
        String address = config.address();
        if (DOTTED_NUMBERS.matcher(address).matches() && !IPV4.matcher(address).matches()) {
            // not looked up: no host name is only digits and dots
            throw new AgentConfigException(config.source().locate("address") + "'" + address
                    + "' is not an IPv4 address (four numbers 0-255 separated by dots)");
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AgentConfigException(config.source().locate("address") + "unknown host '" + address
                    + "': not an IP address nor a name this host can resolve");
        }
    }

    private static AgentConfigException cannotListen(AgentConfig config, InetAddress address, BindException e) {
        String at = address.getHostAddress() + ":" + config.port();
        if (!address.isAnyLocalAddress() && !isOwnAddress(address)) {
            return new AgentConfigException(config.source().locate("address") + config.address() + " is not an"
                    + " address of this host (use 0.0.0.0 for all of them, or one of this host's addresses)");
        }
        String reason = String.valueOf(e.getMessage());
        if (reason.contains("in use")) {
            return new AgentConfigException(config.source().locate("port") + config.port() + " is already in use on "
                    + address.getHostAddress() + " (by another agent, or another program?)");
        }
        return new AgentConfigException(config.source().locate("port") + "cannot listen on " + at + ": " + reason);
    }

    private static boolean isOwnAddress(InetAddress address) {
        try {
            return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true; // cannot tell: the caller reports the bind error as it is
        }
    }

    private static SSLContext sslContext(AgentConfig.Tls tls, AgentConfig.Source source) {
        Store keys = keyStore(tls.keystore(), "tls.keystore", tls.keystorePasswordFile(), source);
        try {
            if (!hasPrivateKey(keys.store())) {
                throw new AgentConfigException(source.locate("tls.keystore") + tls.keystore() + " holds no private"
                        + " key: it must hold the agent's key and certificate (is it a truststore?)");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            try {
                kmf.init(keys.store(), keys.password());
            } catch (UnrecoverableKeyException e) {
                throw new AgentConfigException(source.locate("tls.keystorePasswordFile") + "the key in "
                        + tls.keystore() + " has another password than the keystore; give both the same password");
            }
            TrustManagerFactory tmf = null;
            if (tls.mutual()) {
                Store trust = keyStore(tls.truststore(), "tls.truststore", tls.truststorePasswordFile(), source);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust.store());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new AgentConfigException(source.locate("tls") + "cannot use " + tls.keystore()
                    + (tls.mutual() ? " or " + tls.truststore() : "") + ": " + e.getMessage());
        }
    }

    private record Store(KeyStore store, char[] password) {
    }

    /**
     * Opens a PKCS12 or JKS file with the password in {@code passwordFile}, naming the field that is wrong: the
     * store ({@code field}) or its password file ({@code field + "PasswordFile"}).
     */
    private static Store keyStore(Path file, String field, Path passwordFile, AgentConfig.Source source) {
        String passwordField = field + "PasswordFile";
        if (!Files.exists(file)) {
            throw new AgentConfigException(source.locate(field) + "no such file " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new AgentConfigException(source.locate(field) + file + " is not a file (a keystore, PKCS12 or JKS)");
        }
        char[] password = readPassword(passwordFile, passwordField, source);
        try {
            return new Store(KeyStore.getInstance(file.toFile(), password), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new AgentConfigException(source.locate(passwordField) + "the password in " + passwordFile
                        + " does not open " + file + " (" + field + ")");
            }
            throw new AgentConfigException(source.locate(field) + "cannot read " + file + ": "
                    + AgentConfig.reason(e));
        } catch (KeyStoreException e) {
            throw new AgentConfigException(source.locate(field) + file + " is not a keystore (PKCS12 or JKS)");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new AgentConfigException(source.locate(field) + "cannot load " + file + ": " + e.getMessage());
        }
    }

    private static boolean hasPrivateKey(KeyStore keys) throws KeyStoreException {
        for (Enumeration<String> aliases = keys.aliases(); aliases.hasMoreElements(); ) {
            if (keys.isKeyEntry(aliases.nextElement())) {
                return true;
            }
        }
        return false;
    }

    private static char[] readPassword(Path file, String field, AgentConfig.Source source) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
        } catch (IOException e) {
            throw new AgentConfigException(source.locate(field) + "cannot read " + file + ": " + AgentConfig.reason(e));
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A response decided by a handler: status and JSON body, plus what to write in the request log. */
    private record Reply(int status, JsonNode body, String outcome) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        synchronized (inFlightLock) {
            inFlight++;
        }
        try {
            respond(exchange);
        } finally {
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String caller = String.valueOf(exchange.getRemoteAddress());
        Reply reply;
        try {
            reply = authenticated(exchange) ? route(exchange, method, path) : null;
            if (reply == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"kupgrade-agent\"");
                reply = error(401, "a valid bearer token is required", "refused: not authenticated");
            }
        } catch (RuntimeException e) {
            LOG.warn("request {} {} from {} failed", method, path, caller, e);
            reply = error(500, "internal error: " + e.getClass().getSimpleName(), "internal error");
        }
        byte[] body = json.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        LOG.info("{} {} from {}: {} {}", method, path, caller, reply.status(), reply.outcome());
    }

    private boolean authenticated(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // compare hashes: constant time whatever the lengths, and the token itself is never kept twice
        return MessageDigest.isEqual(tokenHash, sha256(header.substring(7).strip()));
    }

    private Reply route(HttpExchange exchange, String method, String path) throws IOException {
        switch (path) {
            case "/v1/status":
                return method.equals("GET") ? status() : notAllowed("GET");
            case "/v1/config":
                if (method.equals("GET")) {
                    return getConfig(exchange.getRequestURI().getRawQuery());
                }
                return method.equals("PUT") ? putConfig(exchange) : notAllowed("GET, PUT");
            case "/v1/run":
                return method.equals("POST") ? run(exchange) : notAllowed("POST");
            default:
                return error(404, "no such endpoint: " + path, "not found");
        }
    }

    private Reply status() throws IOException {
        ObjectNode body = json.createObjectNode();
        body.put("agentVersion", version());
        try {
            CommandRunner.Result r = runner.run(config.isRunning(), STATUS_TIMEOUT);
            body.put("running", r.exitCode() == 0 && !r.timedOut());
            body.put("isRunningExitCode", r.exitCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "interrupted", "interrupted");
        } catch (IOException e) {
            body.putNull("running");
            body.put("isRunningError", "cannot start " + config.isRunning().get(0) + ": " + e.getMessage());
        }
        body.put("configFile", config.configFile().toString());
        body.put("configSha256", store.currentSha256());
        return new Reply(200, body, "ok");
    }

    private Reply getConfig(String query) throws IOException {
        String suffix = null;
        if (query != null && !query.isEmpty()) {
            if (!query.startsWith("backupSuffix=") || query.indexOf('&') >= 0) {
                return error(400, "the only query parameter is backupSuffix", "bad request");
            }
            suffix = java.net.URLDecoder.decode(query.substring("backupSuffix=".length()), StandardCharsets.UTF_8);
            if (!ConfigStore.BACKUP_SUFFIX.matcher(suffix).matches()) {
                return error(400, "backupSuffix must match " + ConfigStore.BACKUP_SUFFIX.pattern(), "bad request");
            }
        }
        try {
            ConfigStore.Snapshot s = store.read(suffix);
            ObjectNode body = json.createObjectNode();
            body.put("content", s.content());
            body.put("sha256", s.sha256());
            return new Reply(200, body, suffix == null ? "read config" : "read backup " + suffix);
        } catch (NoSuchFileException e) {
            return error(404, "no file " + (suffix == null ? store.file() : store.backupOf(suffix)), "no file");
        }
    }

    private Reply putConfig(HttpExchange exchange) throws IOException {
        JsonNode req = body(exchange);
        Reply bad = checkObject(req, PUT_CONFIG_FIELDS);
        if (bad != null) {
            return bad;
        }
        JsonNode expected = req.get("expectedSha256");
        JsonNode content = req.get("content");
        JsonNode suffix = req.get("backupSuffix");
        if (expected == null || !(expected.isNull() || expected.isTextual())) {
            return error(400, "expectedSha256 is required: the sha256 you read, or null for no file", "bad request");
        }
        if (content == null || !content.isTextual()) {
            return error(400, "content is required (a string)", "bad request");
        }
        if (content.asText().isBlank()) {
            // no edit kupgrade makes empties server.properties; a broker would not start from it
            return error(400, "content is empty: the agent does not write an empty config file", "refused: empty");
        }
        if (suffix == null || !suffix.isTextual() || !ConfigStore.BACKUP_SUFFIX.matcher(suffix.asText()).matches()) {
            return error(400, "backupSuffix is required and must match " + ConfigStore.BACKUP_SUFFIX.pattern(),
                    "bad request");
        }
        mutation.lock();
        try {
            String sha = store.replace(expected.isNull() ? null : expected.asText(), content.asText(), suffix.asText());
            ObjectNode body = json.createObjectNode();
            body.put("sha256", sha);
            return new Reply(200, body, "config replaced, backup " + suffix.asText());
        } catch (ConfigStore.Conflict e) {
            ObjectNode body = json.createObjectNode();
            body.put("error", "the config file changed since it was read: expected " + expected.asText()
                    + ", current " + e.currentSha256);
            body.put("currentSha256", e.currentSha256);
            return new Reply(409, body, "refused: stale hash");
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage(), "refused: " + e.getMessage());
        } finally {
            mutation.unlock();
        }
    }

    private Reply run(HttpExchange exchange) throws IOException {
        JsonNode req = body(exchange);
        Reply bad = checkObject(req, RUN_FIELDS);
        if (bad != null) {
            return bad;
        }
        JsonNode actionNode = req.get("action");
        if (actionNode == null || !actionNode.isTextual()) {
            return error(400, "action is required: stop, start, isRunning or install", "bad request");
        }
        List<String> args = new ArrayList<>();
        JsonNode argsNode = req.get("args");
        if (argsNode != null && !argsNode.isNull()) {
            if (!argsNode.isArray()) {
                return error(400, "args must be a list of strings", "bad request");
            }
            for (JsonNode a : argsNode) {
                if (!a.isTextual()) {
                    return error(400, "args must be a list of strings", "bad request");
                }
                args.add(a.asText());
            }
        }
        Duration timeout = config.maxCommandTimeout();
        JsonNode t = req.get("timeoutMillis");
        if (t != null && !t.isNull()) {
            if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 1) {
                return error(400, "timeoutMillis must be a positive whole number", "bad request");
            }
            timeout = Duration.ofMillis(Math.min(t.asLong(), timeout.toMillis()));
        }
        String action = actionNode.asText();
        List<String> argv;
        String what;
        switch (action) {
            case "stop":
            case "start":
            case "isRunning":
                if (!args.isEmpty()) {
                    return error(403, action + " takes no arguments", "refused: arguments to " + action);
                }
                argv = action.equals("stop") ? config.stop() : action.equals("start") ? config.start()
                        : config.isRunning();
                what = action;
                break;
            case "install":
                if (args.isEmpty()) {
                    return error(403, "install needs the install's name as its first argument",
                            "refused: install without a name");
                }
                AgentConfig.Install install = config.installs().get(args.get(0));
                if (install == null) {
                    return error(403, "install '" + args.get(0) + "' is not allowed on this host (allowed: "
                            + config.installs().keySet() + ")", "refused: install not in allow-list");
                }
                String refusal = install.refusal(args.subList(1, args.size()));
                if (refusal != null) {
                    return error(403, "install '" + args.get(0) + "' " + refusal,
                            "refused: install " + args.get(0) + " " + refusal);
                }
                argv = new ArrayList<>(install.command());
                argv.addAll(args.subList(1, args.size()));
                what = "install " + args.get(0) + " " + args.subList(1, args.size());
                break;
            default:
                return error(403, "action '" + action + "' is not allowed: stop, start, isRunning or install",
                        "refused: unknown action");
        }
        // isRunning is a read: it may run while a stop is waiting for the broker to exit
        boolean exclusive = !action.equals("isRunning");
        if (exclusive) {
            mutation.lock();
        }
        try {
            CommandResultNode r = execute(argv, timeout);
            return new Reply(r.status, r.body, what + ": " + r.outcome);
        } finally {
            if (exclusive) {
                mutation.unlock();
            }
        }
    }

    private record CommandResultNode(int status, JsonNode body, String outcome) {
    }

    private CommandResultNode execute(List<String> argv, Duration timeout) {
        try {
            CommandRunner.Result r = runner.run(argv, timeout);
            ObjectNode body = json.createObjectNode();
            body.put("exitCode", r.exitCode());
            body.put("stdout", r.stdout());
            body.put("stderr", r.stderr());
            body.put("timedOut", r.timedOut());
            return new CommandResultNode(200, body,
                    r.timedOut() ? "timed out after " + timeout.toMillis() + " ms" : "exit " + r.exitCode());
        } catch (IOException e) {
            ObjectNode body = json.createObjectNode();
            body.put("error", "cannot start " + argv.get(0) + ": " + e.getMessage());
            return new CommandResultNode(500, body, "cannot start " + argv.get(0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ObjectNode body = json.createObjectNode();
            body.put("error", "the agent is shutting down");
            return new CommandResultNode(503, body, "interrupted");
        }
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                // read (a bounded amount of) the rest, so the client gets the 413 instead of a reset connection
                long drained = 0;
                byte[] sink = new byte[64 * 1024];
                for (int n; drained < 8L * MAX_BODY_BYTES && (n = in.read(sink)) > 0; ) {
                    drained += n;
                }
                return null;
            }
            try {
                return json.readTree(bytes);
            } catch (JsonProcessingException e) {
                return json.getNodeFactory().textNode("not JSON");
            }
        }
    }

    private Reply checkObject(JsonNode req, Set<String> fields) {
        if (req == null) {
            return error(413, "request body over " + MAX_BODY_BYTES + " bytes", "refused: body too large");
        }
        if (!req.isObject()) {
            return error(400, "the body must be a JSON object", "bad request");
        }
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!fields.contains(name)) {
                return error(400, "unknown field '" + name + "' (known: " + fields + ")", "bad request");
            }
        }
        return null;
    }

    private Reply notAllowed(String allowed) {
        return error(405, "method not allowed (use " + allowed + ")", "method not allowed");
    }

    private Reply error(int status, String message, String outcome) {
        ObjectNode body = json.createObjectNode();
        body.put("error", message);
        return new Reply(status, body, outcome);
    }
}
