package io.kupgrade.plans;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-broker placeholders in {@code service.*} strings and {@code phases[].install}: {@code {broker.id}}
 * (the node id), {@code {host}} and {@code {role}} ({@code broker}, or {@code controller} for a dedicated KRaft
 * controller). A placeholder is {@code {name}} with a name of letters, digits, '.', '_' or '-';
 * shell syntax such as {@code ${VAR}} or {@code awk '{print $1}'} is not a placeholder and is left alone.
 * Stateless and thread-safe.
 */
public final class Placeholders {
    /** The placeholders a plan may use. */
    public static final List<String> KNOWN = List.of("broker.id", "host", "role");

    // not preceded by '$' (shell ${VAR}); a name only, so "{print $1}" and JSON-ish text do not match
    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\{([A-Za-z][A-Za-z0-9._-]*)}");

    private Placeholders() {
    }

    /** {@code template} with {@code {broker.id}}, {@code {host}} and {@code {role}} replaced by {@code broker}'s values. */
    public static String apply(String template, BrokerSpec broker) {
        if (template == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String replacement;
            switch (m.group(1)) {
                case "broker.id":
                    replacement = Integer.toString(broker.id());
                    break;
                case "host":
                    replacement = broker.host();
                    break;
                case "role":
                    replacement = broker.role();
                    break;
                default:
                    replacement = m.group(); // unknown ones are refused when the plan is parsed
            }
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** The placeholder names in {@code template} that are not {@link #KNOWN}, in order of appearance. */
    public static List<String> unknownIn(String template) {
        List<String> unknown = new ArrayList<>();
        if (template == null) {
            return unknown;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                unknown.add(m.group(1));
            }
        }
        return unknown;
    }

    /** Whether {@code template} uses the given placeholder (e.g. {@code broker.id}). */
    static boolean uses(String template, String name) {
        return template != null && template.contains("{" + name + "}");
    }
}
