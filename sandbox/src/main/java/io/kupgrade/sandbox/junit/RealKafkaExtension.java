package io.kupgrade.sandbox.junit;

import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * The extension behind {@link RealKafka}. The cluster lives in a JUnit store (the class's, or the root store when
 * shared); JUnit closes it ({@link SandboxCluster} is {@link AutoCloseable}) when that store's context ends.
 */
public final class RealKafkaExtension implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealKafkaExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        SandboxCluster cluster = cluster(context);
        for (Field f : fields(context.getRequiredTestClass())) {
            if (Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                f.set(null, cluster);
            }
        }
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws IllegalAccessException {
        SandboxCluster cluster = cluster(context);
        for (Field f : fields(testInstance.getClass())) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                f.set(testInstance, cluster);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SandboxCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster(context);
    }

    private static SandboxCluster cluster(ExtensionContext context) {
        Class<?> annotated = annotatedClass(context.getRequiredTestClass());
        RealKafka annotation = annotated.getAnnotation(RealKafka.class);
        SandboxSpec spec = spec(annotation);
        if (annotation.shared()) {
            return context.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent(spec, s -> Sandbox.start(spec), SandboxCluster.class);
        }
        // The context of the annotated class owns the cluster; method and nested-class contexts are its children.
        ExtensionContext owner = context;
        while (owner.getTestMethod().isPresent() || owner.getTestClass().orElse(null) != annotated) {
            owner = owner.getParent().orElseThrow(() -> new ExtensionConfigurationException(
                    "no class context for " + annotated.getName()));
        }
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent("cluster", k -> Sandbox.start(spec),
                SandboxCluster.class);
    }

    /** The test class itself (annotation possibly inherited) or the enclosing class carrying {@link RealKafka}. */
    private static Class<?> annotatedClass(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(RealKafka.class)) {
                return c;
            }
        }
        throw new ExtensionConfigurationException(testClass.getName() + " uses RealKafkaExtension without @RealKafka");
    }

    static SandboxSpec spec(RealKafka a) {
        SandboxSpec.Builder b = SandboxSpec.builder()
                .kafkaVersion(a.version())
                .brokers(a.brokers())
                .racks(a.racks())
                .mode(a.mode())
                .extraVersions(a.extraVersions())
                .heapMb(a.heapMb());
        for (String kv : a.brokerProperties()) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException("@RealKafka brokerProperties entry is not key=value: " + kv);
            }
            b.brokerProperty(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return b.build();
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new java.util.ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == SandboxCluster.class && !Modifier.isFinal(f.getModifiers())) {
                    out.add(f);
                }
            }
        }
        return out;
    }
}
