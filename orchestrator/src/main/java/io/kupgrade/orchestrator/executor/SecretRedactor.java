package io.kupgrade.orchestrator.executor;

import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces secret values with {@code ******} in any text before it is logged, printed or journaled: commands
 * (with secrets substituted), their output, config diffs, exception messages.
 *
 * <ul>
 *   <li>Known secret values (the plan's {@link Secret}s, revealed here only to be recognized) are masked
 *       wherever they appear, also in the forms they take in a command or a config file: shell single-quote
 *       escaped ({@code '\''}) and Properties-escaped ({@code \\}, {@code \:}, {@code \\uXXXX}).</li>
 *   <li>A value shorter than 4 characters is masked only where it stands alone (not inside a word), so a
 *       secret "1" does not blank every broker id; the value is still never shown on its own.</li>
 *   <li>In config diffs, values of keys that Kafka treats as passwords or that carry credentials
 *       ({@code *password*}, {@code *secret*}, {@code sasl.jaas.config}, {@code *token*}, {@code *.key},
 *       ...) are masked whatever they are.</li>
 * </ul>
 *
 * Immutable and thread-safe. {@link #NONE} masks only sensitive config keys.
 */
public final class SecretRedactor {
    public static final String MASK = "******";
    public static final SecretRedactor NONE = new SecretRedactor(List.of());

    private static final Pattern SENSITIVE_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret|jaas\\.config|credential|token|private|\\.key$|apikey|api\\.key).*");

    private final List<Pattern> patterns;

    private SecretRedactor(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** A redactor for these values; null and empty values are ignored. */
    public static SecretRedactor of(Collection<String> secretValues) {
        Set<String> forms = new LinkedHashSet<>();
        for (String v : secretValues) {
            if (v == null || v.isEmpty()) {
                continue;
            }
            forms.add(v);
            forms.add(v.replace("'", "'\\''"));
            if (v.indexOf('\n') < 0 && v.indexOf('\r') < 0 && v.indexOf('\0') < 0) {
                forms.add(PropertiesEditor.escapeValue(v));
                forms.add(PropertiesEditor.escapeValue("x" + v).substring(1)); // not at the start of a value
            }
        }
        List<String> ordered = new ArrayList<>(forms);
        ordered.sort(Comparator.comparingInt(String::length).reversed()); // a longer secret first
        List<Pattern> patterns = new ArrayList<>();
        for (String form : ordered) {
            String quoted = Pattern.quote(form);
            patterns.add(Pattern.compile(form.length() < 4 ? "(?<![\\p{Alnum}])" + quoted + "(?![\\p{Alnum}])"
                    : quoted));
        }
        return new SecretRedactor(patterns);
    }

    /**
     * A redactor for every secret of the plan: the AdminClient properties and the SSH key passphrase. A
     * secret whose reference cannot be resolved here is skipped (its value cannot show up either).
     */
    public static SecretRedactor forPlan(Plan plan) {
        List<Secret> secrets = new ArrayList<>();
        if (plan.cluster() != null) {
            secrets.addAll(plan.cluster().clientProperties().values());
        }
        if (plan.access() != null && plan.access().ssh() != null && plan.access().ssh().passphrase() != null) {
            secrets.add(plan.access().ssh().passphrase());
        }
        List<String> values = new ArrayList<>();
        for (Secret s : secrets) {
            try {
                values.add(s.reveal());
            } catch (RuntimeException unresolved) {
                // e.g. ${env:X} not set on this machine
            }
        }
        return of(values);
    }

    /** A redactor that also masks {@code moreValues}. */
    public SecretRedactor and(Collection<String> moreValues) {
        SecretRedactor more = of(moreValues);
        List<Pattern> all = new ArrayList<>(patterns);
        all.addAll(more.patterns);
        return new SecretRedactor(all);
    }

    /** {@code text} with every secret replaced by {@value #MASK}; null stays null. */
    public String redact(String text) {
        if (text == null || patterns.isEmpty()) {
            return text;
        }
        String out = text;
        for (Pattern p : patterns) {
            out = p.matcher(out).replaceAll(MASK);
        }
        return out;
    }

    /** Output of a command with secrets masked. */
    public CommandResult redact(CommandResult result) {
        return new CommandResult(result.exitCode(), redact(result.stdout()), redact(result.stderr()),
                result.timedOut());
    }

    /** A journal entry with secrets masked in its details. */
    public JournalEntry redact(JournalEntry e) {
        Map<String, String> details = new LinkedHashMap<>();
        e.details().forEach((k, v) -> details.put(k, redact(v)));
        return new JournalEntry(e.at(), e.planSha256(), e.phase(), e.wave(), e.brokerId(), e.step(), e.event(),
                details);
    }

    /** Config changes for people: values of sensitive keys masked entirely, other values redacted. */
    public List<PropertiesEditor.Change> redact(List<PropertiesEditor.Change> changes) {
        List<PropertiesEditor.Change> out = new ArrayList<>(changes.size());
        for (PropertiesEditor.Change c : changes) {
            boolean sensitive = isSensitiveKey(c.key());
            out.add(new PropertiesEditor.Change(c.key(),
                    c.oldValue() == null ? null : sensitive ? MASK : redact(c.oldValue()),
                    c.newValue() == null ? null : sensitive ? MASK : redact(c.newValue())));
        }
        return out;
    }

    /** True for config keys whose values are credentials (Kafka's PASSWORD-type configs and the like). */
    public static boolean isSensitiveKey(String key) {
        return key != null && SENSITIVE_KEY.matcher(key).matches();
    }
}
