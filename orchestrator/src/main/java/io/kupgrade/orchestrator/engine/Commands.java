package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.BrokerSpec;

/** The plan's command and path templates, made concrete for one broker. */
public final class Commands {
    private Commands() {
    }

    /** Replaces {@code {broker.id}} and {@code {host}}. */
    public static String render(String template, BrokerSpec broker) {
        if (template == null) {
            return null;
        }
        return template.replace("{broker.id}", Integer.toString(broker.id())).replace("{host}", broker.host());
    }
}
