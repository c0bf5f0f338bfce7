package io.kupgrade.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temp directory with a token, a server.properties, small scripts, an agent.yaml, and HTTP helpers. */
final class AgentFixture {
    static final String TOKEN = "s3cret-token-0123456789abcdef";

    final Path dir;
    final Path configFile;
    final Path marker;
    final Path yaml;
    final HttpClient http = HttpClient.newHttpClient();
    AgentServer server;

    AgentFixture(Path dir) throws IOException {
        this.dir = dir;
        this.configFile = dir.resolve("server.properties");
        this.marker = dir.resolve("ran.log");
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Files.writeString(configFile, "broker.id=1\nlog.dirs=/tmp/x\n", StandardCharsets.ISO_8859_1);
        // each script appends what it did to ran.log, so a test can see whether anything ran
        script("stop.sh", "echo stop >> " + marker + "\n");
        script("start.sh", "echo start >> " + marker + "\necho started\n");
        script("is-running.sh", "test -f " + dir.resolve("running") + "\n");
        script("switch.sh", "echo \"install $1\" >> " + marker + "\n");
        yaml = dir.resolve("agent.yaml");
        Files.writeString(yaml, String.join("\n",
                "address: 127.0.0.1",
                "port: 0",
                "tokenFile: token",
                "configFile: " + configFile,
                "commands:",
                "  stop: [/bin/sh, " + dir.resolve("stop.sh") + "]",
                "  start: [/bin/sh, " + dir.resolve("start.sh") + "]",
                "  isRunning: [/bin/sh, " + dir.resolve("is-running.sh") + "]",
                "installs:",
                "  switch-version:",
                "    command: [/bin/sh, " + dir.resolve("switch.sh") + "]",
                "    args: ['^[0-9]+\\.[0-9]+\\.[0-9]+$']",
                "  sleep:",
                "    command: [sleep]",
                "    args: ['[0-9]+']",
                ""));
    }

    void script(String name, String body) throws IOException {
        Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body);
    }

    AgentFixture start() {
        server = AgentServer.start(AgentConfig.load(yaml));
        return this;
    }

    String marker() throws IOException {
        return Files.exists(marker) ? Files.readString(marker) : "";
    }

    HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> call(String method, String path, String json) throws Exception {
        return call(method, path, TOKEN, json);
    }

    void close() {
        if (server != null) {
            server.close();
        }
    }
}
