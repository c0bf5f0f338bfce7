package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.BrokerSpec;

/** The plan's command and path templates, made concrete for one broker. */
public final class Commands {
    private Commands() {
    }

    /** Replaces {@code {broker.id}} and {@code {host}} ({@link io.kupgrade.plans.Placeholders}). */
    public static String render(String template, BrokerSpec broker) {
        if (template == null) {
            return null;
        }
        return io.kupgrade.plans.Placeholders.apply(template, broker);
    }
}
