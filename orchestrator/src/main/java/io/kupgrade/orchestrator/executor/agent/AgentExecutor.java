package io.kupgrade.orchestrator.executor.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostAccessException;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.plans.ServiceSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on hosts through the {@code kupgrade agent} running on each of them (module {@code agent}), for
 * hosts where SSH is not allowed. The agent never runs a command string: it runs only the commands its
 * operator configured. So this executor recognises which of the plan's commands it is asked to run:
 *
 * <ul>
 *   <li>the plan's {@code service.stop}, {@code service.start} and {@code service.isRunning} (placeholders
 *       replaced) become the agent's {@code stop}, {@code start} and {@code isRunning} actions;</li>
 *   <li>a phase's {@code install} becomes the {@code install} action with the command's words as arguments:
 *       with {@code install: switch-version 3.9.2} the agent runs its allowed install {@code switch-version}
 *       with the value {@code 3.9.2}, if its allow-list permits exactly that;</li>
 *   <li>anything else is refused here with a {@link HostAccessException}, before any request is sent.</li>
 * </ul>
 *
 * Files: only the plan's {@code service.configFile} (and backups beside it) can be read or written. Writes
 * are compare-and-set: the hash of the last {@link #readFile} of that file on that host is sent as the
 * expected hash, so a file edited on the host in between is not overwritten ({@link IllegalStateException},
 * nothing written). A write without a previous read uses the current hash.
 *
 * <p>Errors: connection refused, timeouts and dropped connections are {@link HostUnreachableException}
 * (retryable); 401 (token refused), 403 (not in the agent's allow-list) and a failed TLS handshake are
 * {@link HostAccessException}.
 * The token is sent only in the Authorization header and never logged.
 *
 * <p>Thread-safe; one instance serves every host. {@link #close()} releases nothing that needs it (the JDK
 * client's connections close when idle).
 */
public final class AgentExecutor implements HostExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(AgentExecutor.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(broker\\.id|host|role)}");
    /** Extra time over a command's timeout for the agent to kill it and answer. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(30);
    private static final Duration FILE_TIMEOUT = Duration.ofSeconds(60);
    /** The agent keeps a backup even when the caller asks for none; this is its suffix then. */
    static final String DEFAULT_BACKUP_SUFFIX = ".kupgrade-agent-previous.bak";
    private static final Pattern BACKUP_SUFFIX = Pattern.compile("\\.[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private final AgentSettings settings;
    private final ServiceSpec service;
    private final List<String> installs;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    /** sha256 of the last version read, per host and path, for compare-and-set writes. */
    private final Map<String, String> lastRead = new ConcurrentHashMap<>();

    /**
     * @param service the plan's service commands and config file (their templates, placeholders unreplaced)
     * @param installTemplates the plan's phase install commands (templates; nulls ignored)
     */
    public AgentExecutor(AgentSettings settings, ServiceSpec service, List<String> installTemplates) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.service = Objects.requireNonNull(service, "a plan with executor: agent needs a service section");
        List<String> i = new ArrayList<>();
        for (String t : installTemplates) {
            if (t != null) {
                i.add(t);
            }
        }
        this.installs = List.copyOf(i);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.ssl() != null) {
            b.sslContext(settings.ssl());
        }
        this.http = b.build();
    }

    /** What the agent is asked to run for one of the plan's commands. */
    record Action(String name, List<String> args) {
    }

    /** The agent action for {@code command} on {@code host}, or null when it is none of the plan's commands. */
    Action recognise(String host, String command) {
        String c = command.strip();
        if (matches(service.stop(), host, c)) {
            return new Action("stop", List.of());
        }
        if (matches(service.start(), host, c)) {
            return new Action("start", List.of());
        }
        if (matches(service.isRunning(), host, c)) {
            return new Action("isRunning", List.of());
        }
        for (String install : installs) {
            if (matches(install, host, c)) {
                return new Action("install", List.of(c.split("\\s+")));
            }
        }
        return null;
    }

    /** Whether {@code command} is {@code template} with {@code {host}} = host and {@code {broker.id}} = a number. */
    private static boolean matches(String template, String host, String command) {
        return template != null && templatePattern(template.strip(), host).matcher(command).matches();
    }

    private static Pattern templatePattern(String template, String host) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            regex.append(switch (m.group(1)) {
                case "host" -> Pattern.quote(host);
                case "role" -> "(?:broker|controller)";
                default -> "[0-9]+";
            });
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }

    @Override
    public CommandResult run(String host, String command, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        Action action = recognise(host, command);
        if (action == null) {
            throw new HostAccessException("the agent executor only runs the plan's service.stop, service.start, "
                    + "service.isRunning and phase install commands; `" + command + "` is none of them (on "
                    + host + ")", null);
        }
        ObjectNode body = json.createObjectNode();
        body.put("action", action.name());
        ArrayNode args = body.putArray("args");
        action.args().forEach(args::add);
        body.put("timeoutMillis", Math.max(1, timeout.toMillis()));
        LOG.debug("asking the agent on {} to {} {}", host, action.name(), action.args());
        JsonNode r = call(host, "POST", "/v1/run", body, timeout.plus(ANSWER_MARGIN), "run " + action.name());
        return new CommandResult(r.path("exitCode").asInt(-1), r.path("stdout").asText(""),
                r.path("stderr").asText(""), r.path("timedOut").asBoolean(false));
    }

    @Override
    public String readFile(String host, String path) {
        String suffix = fileSuffix(host, path, "read");
        String query = suffix.isEmpty() ? "" : "?backupSuffix=" + URLEncoder.encode(suffix, StandardCharsets.UTF_8);
        JsonNode r = call(host, "GET", "/v1/config" + query, null, FILE_TIMEOUT, "read " + path);
        if (r == null) {
            throw new IllegalStateException("no file " + path + " on " + host);
        }
        if (suffix.isEmpty()) {
            lastRead.put(host + '\0' + path, r.path("sha256").asText());
        }
        return r.path("content").asText();
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code backupPath} must be {@code path} plus a suffix of letters, digits, '.', '_' and '-' (the agent
     * writes backups only beside the file); when it is null the agent still keeps one, at
     * {@code path + ".kupgrade-agent-previous.bak"}.
     *
     * @throws IllegalStateException when the file changed on the host since it was read (nothing written)
     * @throws IllegalArgumentException for content the agent refuses (NUL, characters beyond ISO-8859-1)
     */
    @Override
    public void writeFile(String host, String path, String content, String backupPath) {
        Objects.requireNonNull(content, "content");
        if (!fileSuffix(host, path, "write").isEmpty()) {
            throw new HostAccessException("the agent on " + host + " writes only the plan's service.configFile, not "
                    + path, null);
        }
        String suffix = DEFAULT_BACKUP_SUFFIX;
        if (backupPath != null) {
            suffix = backupPath.startsWith(path) ? backupPath.substring(path.length()) : "";
            if (!BACKUP_SUFFIX.matcher(suffix).matches()) {
                throw new IllegalArgumentException("the agent keeps backups beside " + path + " only: " + backupPath
                        + " is not " + path + " followed by a suffix such as .kupgrade-phase.bak");
            }
        }
        String key = host + '\0' + path;
        String expected = lastRead.get(key);
        if (expected == null) {
            JsonNode current = call(host, "GET", "/v1/config", null, FILE_TIMEOUT, "read " + path);
            expected = current == null ? null : current.path("sha256").asText();
        }
        ObjectNode body = json.createObjectNode();
        body.put("expectedSha256", expected);
        body.put("content", content);
        body.put("backupSuffix", suffix);
        JsonNode r = call(host, "PUT", "/v1/config", body, FILE_TIMEOUT, "write " + path);
        lastRead.put(key, r.path("sha256").asText());
    }

    /** "" for the config file itself, the suffix for a backup beside it; refuses any other path. */
    private String fileSuffix(String host, String path, String verb) {
        Objects.requireNonNull(path, "path");
        Pattern config = templatePattern(service.configFile().strip(), host);
        Matcher m = Pattern.compile(config.pattern() + "(.*)", Pattern.DOTALL).matcher(path);
        if (m.matches()) {
            String suffix = m.group(m.groupCount());
            if (suffix.isEmpty() || BACKUP_SUFFIX.matcher(suffix).matches()) {
                return suffix;
            }
        }
        throw new HostAccessException("the agent on " + host + " can " + verb + " only the plan's service.configFile ("
                + service.configFile() + ") and backups beside it, not " + path, null);
    }

    /**
     * One request. Returns the JSON body of a 200, null for a 404; throws by what may happen next.
     */
    private JsonNode call(String host, String method, String path, JsonNode body, Duration timeout, String what) {
        URI uri = URI.create((settings.ssl() == null ? "http" : "https") + "://" + hostForUri(host) + ":"
                + settings.port() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + settings.token().reveal())
                .header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            try {
                b.method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode a request: " + e.getMessage(), e);
            }
        }
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while asking the agent on " + host + " to " + what);
        } catch (javax.net.ssl.SSLHandshakeException e) {
            // a certificate problem does not fix itself: not retryable
            throw new HostAccessException("TLS handshake with the kupgrade agent at " + uri.getHost() + ":"
                    + settings.port() + " failed (check access.agent.tls and the agent's certificate): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new HostUnreachableException("cannot reach the kupgrade agent at " + uri.getScheme() + "://"
                    + hostForUri(host) + ":" + settings.port() + " to " + what + ": " + describe(e), e);
        }
        String error = errorText(response.body());
        switch (response.statusCode()) {
            case 200:
                return parse(response.body(), host);
            case 404:
                if (path.startsWith("/v1/config")) {
                    return null;
                }
                throw new IllegalStateException("the agent on " + host + " has no " + path + " (an older agent?)");
            case 401:
                throw new HostAccessException("the kupgrade agent on " + host + " refused the token (401); check "
                        + "access.agent.token against the agent's tokenFile", null);
            case 403:
                throw new HostAccessException("the kupgrade agent on " + host + " refused to " + what + ": " + error,
                        null);
            case 409:
                throw new IllegalStateException(path.replace("/v1/config", "the config file") + " on " + host
                        + " changed since kupgrade read it; nothing was written (" + error + ")");
            case 400:
            case 413:
                throw new IllegalArgumentException("the kupgrade agent on " + host + " refused to " + what + ": "
                        + error);
            default:
                throw new IllegalStateException("the kupgrade agent on " + host + " failed to " + what + " (HTTP "
                        + response.statusCode() + "): " + error);
        }
    }

    private JsonNode parse(String text, String host) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the agent on " + host + " answered something that is not JSON", e);
        }
    }

    private String errorText(String body) {
        try {
            JsonNode n = json.readTree(body);
            return n != null && n.hasNonNull("error") ? n.get("error").asText() : "no detail";
        } catch (JsonProcessingException e) {
            return "no detail";
        }
    }

    private static String hostForUri(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }

    @Override
    public void close() {
        // the JDK client has no close() before Java 21; idle connections time out on their own
    }
}
