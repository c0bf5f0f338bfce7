package io.kupgrade.agent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The agent's configuration, written by the operator on the broker host (kupgrade never sends it). Loaded from
 * YAML by {@link #load(Path)}; unknown and duplicate keys are errors, as in plans. Example:
 *
 * <pre>
 * address: 0.0.0.0            # default 0.0.0.0
 * port: 7070                  # required; 0 picks a free port (tests)
 * tokenFile: /etc/kupgrade-agent/token      # required: the bearer token, one line, 16+ characters
 * tls:                        # optional: HTTPS; with a truststore, clients must present a certificate
 *   keystore: /etc/kupgrade-agent/agent.p12
 *   keystorePasswordFile: /etc/kupgrade-agent/keystore.pass
 *   truststore: /etc/kupgrade-agent/clients.p12          # optional: mutual TLS
 *   truststorePasswordFile: /etc/kupgrade-agent/truststore.pass
 * configFile: /opt/kafka/config/server.properties      # the only file the agent reads or writes
 * commands:                   # argument vectors, run without a shell
 *   stop: [/opt/kafka/bin/kafka-server-stop.sh]
 *   start: [/opt/kafka/bin/kafka-server-start.sh, -daemon, /opt/kafka/config/server.properties]
 *   isRunning: [pgrep, -f, kafka\.Kafka]
 * installs:                   # name -> command and one pattern per argument the caller may pass
 *   switch-version:
 *     command: [/opt/kafka/bin/switch-version]
 *     args: ['^[0-9]+\.[0-9]+\.[0-9]+$']
 * maxCommandTimeout: 10m      # default 10m: a caller's timeout is capped to this
 * maxOutputBytes: 65536       # default 64 KiB per stream, the rest is cut from the middle
 * </pre>
 *
 * Immutable and thread-safe.
 *
 * @param address the address to listen on
 * @param port the TCP port, 0 for any free one
 * @param tokenFile the file holding the bearer token (read when the server starts)
 * @param tls HTTPS settings; null for plain HTTP with the token only
 * @param configFile the broker's server.properties, absolute
 * @param stop the stop command line
 * @param start the start command line
 * @param isRunning a command line that exits 0 while the broker runs
 * @param installs allowed install commands by name
 * @param maxCommandTimeout the longest a command may run
 * @param maxOutputBytes bytes of stdout (and of stderr) returned per command
 */
public record AgentConfig(String address, int port, Path tokenFile, Tls tls, Path configFile, List<String> stop,
                          List<String> start, List<String> isRunning, Map<String, Install> installs,
                          Duration maxCommandTimeout, int maxOutputBytes) {

    /** Default {@link #maxCommandTimeout}. */
    public static final Duration DEFAULT_MAX_COMMAND_TIMEOUT = Duration.ofMinutes(10);
    /** Default {@link #maxOutputBytes}. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

    private static final Pattern INSTALL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** @throws IllegalArgumentException for a value out of range (the message names the field) */
    public AgentConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(maxCommandTimeout, "maxCommandTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " is not a TCP port");
        }
        if (!configFile.isAbsolute()) {
            throw new IllegalArgumentException("configFile: must be an absolute path, got " + configFile);
        }
        stop = commandLine(stop, "commands.stop");
        start = commandLine(start, "commands.start");
        isRunning = commandLine(isRunning, "commands.isRunning");
        installs = Map.copyOf(installs == null ? Map.of() : installs);
        for (String name : installs.keySet()) {
            if (!INSTALL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("installs." + name + ": a name is letters, digits, '.', '_', '-'");
            }
        }
        if (maxCommandTimeout.isNegative() || maxCommandTimeout.isZero()) {
            throw new IllegalArgumentException("maxCommandTimeout: must be positive");
        }
        if (maxOutputBytes < 1024) {
            throw new IllegalArgumentException("maxOutputBytes: must be at least 1024, got " + maxOutputBytes);
        }
    }

    /**
     * An allowed install command: the caller names it and passes exactly one argument per pattern, each
     * matching its pattern in full; the agent runs {@code command} followed by those arguments.
     */
    public record Install(List<String> command, List<Pattern> args) {
        public Install {
            command = List.copyOf(command);
            args = List.copyOf(args);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command must not be empty");
            }
        }

        /** Why {@code values} may not be passed to this install, or null when they may. */
        public String refusal(List<String> values) {
            if (values.size() != args.size()) {
                return "takes " + args.size() + " argument(s), got " + values.size();
            }
            for (int i = 0; i < values.size(); i++) {
                Matcher m = args.get(i).matcher(values.get(i));
                if (!m.matches()) {
                    return "argument " + (i + 1) + " does not match " + args.get(i).pattern();
                }
            }
            return null;
        }
    }

    /**
     * HTTPS settings: the agent's own key and certificate, and optionally the CA/certificates clients must
     * present (mutual TLS). Keystores are PKCS12 (or JKS); passwords are read from files.
     */
    public record Tls(Path keystore, Path keystorePasswordFile, Path truststore, Path truststorePasswordFile) {
        public Tls {
            Objects.requireNonNull(keystore, "tls.keystore");
            Objects.requireNonNull(keystorePasswordFile, "tls.keystorePasswordFile");
            if (truststore != null && truststorePasswordFile == null) {
                throw new IllegalArgumentException("tls.truststorePasswordFile: required with tls.truststore");
            }
        }

        /** True when clients must present a certificate the truststore trusts. */
        public boolean mutual() {
            return truststore != null;
        }
    }

    private static List<String> commandLine(List<String> line, String field) {
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException(field + ": required, a list such as [/opt/kafka/bin/kafka-server-stop.sh]");
        }
        for (String arg : line) {
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(field + ": an argument is empty or contains NUL");
            }
        }
        if (line.get(0).isBlank()) {
            throw new IllegalArgumentException(field + ": the program name is blank");
        }
        return List.copyOf(line);
    }

    /**
     * Reads and validates the YAML file. Relative paths inside it resolve against the file's directory.
     *
     * @throws AgentConfigException with one located line ({@code FILE: line L, column C: field: problem}) for a
     *     missing file, bad YAML, an unknown key, a missing field or a bad value
     */
    public static AgentConfig load(Path file) {
        String name = file.toString();
        Raw raw;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new AgentConfigException(name + ": the file is empty");
            }
            raw = mapper().readValue(text, Raw.class);
        } catch (NoSuchFileException e) {
            throw new AgentConfigException(name + ": no such file");
        } catch (UnrecognizedPropertyException e) {
            throw new AgentConfigException(located(name, e) + "unknown key '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds() + ")");
        } catch (JsonMappingException e) {
            throw new AgentConfigException(located(name, e) + e.getOriginalMessage().split("\n")[0]);
        } catch (JsonProcessingException e) {
            throw new AgentConfigException(located(name, e) + "not valid YAML: " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new AgentConfigException(name + ": cannot read: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        try {
            return raw.bind(base);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new AgentConfigException(name + ": " + e.getMessage());
        }
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper(new YAMLFactory());
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return m;
    }

    private static String located(String file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        StringBuilder b = new StringBuilder(file).append(": ");
        if (at != null && at.getLineNr() > 0) {
            b.append("line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr()).append(": ");
        }
        if (e instanceof JsonMappingException) {
            String path = fieldPath(((JsonMappingException) e).getPath());
            if (!path.isEmpty()) {
                b.append(path).append(": ");
            }
        }
        return b.toString();
    }

    private static String fieldPath(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** The file as written, before validation. Field names are the YAML keys. */
    static final class Raw {
        public String address;
        public Integer port;
        public String tokenFile;
        public RawTls tls;
        public String configFile;
        public RawCommands commands;
        public LinkedHashMap<String, RawInstall> installs;
        public String maxCommandTimeout;
        public Integer maxOutputBytes;

        AgentConfig bind(Path base) {
            if (port == null) {
                throw new IllegalArgumentException("port: required (0 picks a free port)");
            }
            if (tokenFile == null || tokenFile.isBlank()) {
                throw new IllegalArgumentException("tokenFile: required (a file holding the bearer token)");
            }
            if (configFile == null || configFile.isBlank()) {
                throw new IllegalArgumentException("configFile: required (the broker's server.properties)");
            }
            if (commands == null) {
                throw new IllegalArgumentException("commands: required (stop, start, isRunning)");
            }
            Map<String, Install> bound = new LinkedHashMap<>();
            if (installs != null) {
                for (Map.Entry<String, RawInstall> e : installs.entrySet()) {
                    if (e.getValue() == null) {
                        throw new IllegalArgumentException("installs." + e.getKey() + ": needs command and args");
                    }
                    bound.put(e.getKey(), e.getValue().bind("installs." + e.getKey()));
                }
            }
            Tls boundTls = null;
            if (tls != null) {
                if (tls.keystore == null || tls.keystorePasswordFile == null) {
                    throw new IllegalArgumentException("tls: keystore and keystorePasswordFile are required");
                }
                boundTls = new Tls(resolve(base, tls.keystore), resolve(base, tls.keystorePasswordFile),
                        tls.truststore == null ? null : resolve(base, tls.truststore),
                        tls.truststorePasswordFile == null ? null : resolve(base, tls.truststorePasswordFile));
            }
            return new AgentConfig(address == null ? "0.0.0.0" : address, port, resolve(base, tokenFile), boundTls,
                    Path.of(configFile), commands.stop, commands.start, commands.isRunning, bound,
                    maxCommandTimeout == null ? DEFAULT_MAX_COMMAND_TIMEOUT
                            : duration(maxCommandTimeout, "maxCommandTimeout"),
                    maxOutputBytes == null ? DEFAULT_MAX_OUTPUT_BYTES : maxOutputBytes);
        }

        private static Path resolve(Path base, String path) {
            Path p = Path.of(path);
            return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
        }
    }

    static final class RawTls {
        public String keystore;
        public String keystorePasswordFile;
        public String truststore;
        public String truststorePasswordFile;
    }

    static final class RawCommands {
        public List<String> stop;
        public List<String> start;
        public List<String> isRunning;
    }

    static final class RawInstall {
        public List<String> command;
        public List<String> args;

        Install bind(String field) {
            if (command == null || command.isEmpty()) {
                throw new IllegalArgumentException(field + ".command: required, a list such as [/opt/bin/switch]");
            }
            List<Pattern> patterns = new ArrayList<>();
            List<String> given = args == null ? List.of() : args;
            for (int i = 0; i < given.size(); i++) {
                String regex = given.get(i);
                if (regex == null || regex.isEmpty()) {
                    throw new IllegalArgumentException(field + ".args[" + i + "]: empty pattern");
                }
                try {
                    patterns.add(Pattern.compile(regex));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(field + ".args[" + i + "]: not a regular expression: "
                            + e.getDescription());
                }
            }
            return new Install(command, patterns);
        }
    }

    static Duration duration(String text, String field) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a duration such as 30s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            default:
                return Duration.ofHours(n);
        }
    }
}
