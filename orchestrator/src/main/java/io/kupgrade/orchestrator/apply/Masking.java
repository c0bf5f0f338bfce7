package io.kupgrade.orchestrator.apply;

import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Secret;
import java.util.Locale;
import java.util.regex.Pattern;

/** Keeps secrets out of output: plan secrets inside commands, and secret-looking properties in config diffs. */
final class Masking {
    static final String MASK = "******";
    // server.properties and zoo.cfg keys whose values are credentials (ssl.*.password, sasl.jaas.config, *.secret,
    // ZooKeeper's DigestAuthenticationProvider.superDigest, ...)
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(password|secret|token|jaas\\.config|credential|private\\.key|\\.key$|digest).*");

    private Masking() {
    }

    static boolean secretKey(String key) {
        return key != null && SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    static String value(String key, String value) {
        return value == null ? null : secretKey(key) ? MASK : value;
    }

    /** {@code command} with the value of every secret of the plan replaced by its masked form. */
    static String command(String command, Plan plan) {
        if (command == null || plan.cluster() == null) {
            return command;
        }
        String out = command;
        for (Secret s : plan.cluster().clientProperties().values()) {
            String revealed;
            try {
                revealed = s.reveal();
            } catch (RuntimeException e) {
                continue;
            }
            if (revealed != null && revealed.length() >= 3) {
                out = out.replace(revealed, s.masked());
            }
        }
        return out;
    }
}
