package dev.prepaid.adapter.out.metrics;

import dev.prepaid.adapter.config.Env;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.internal.EmfMetricsLogger;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Writes metrics as CloudWatch Embedded Metric Format lines through Powertools' {@link Metrics} (its plain
 * API: no AspectJ, no {@code @FlushMetrics}). Every {@link #publish} is one line of its own (Powertools'
 * {@code flushMetrics}: a fresh metrics context each time, so concurrent handlers in one JVM, as in the local
 * runner, never mix their lines), in the namespace {@code POWERTOOLS_METRICS_NAMESPACE} (the template's
 * Globals; {@value #DEFAULT_NAMESPACE} when unset) with the one dimension {@code Service} = {@value #SERVICE},
 * which is what the template's alarms select on.
 *
 * <p>The lines go to stdout in Lambda (CloudWatch Logs extracts the metrics). The EMF library's own environment
 * detection is bypassed on purpose: outside Lambda it would probe EC2 metadata or a CloudWatch agent socket;
 * here the sink is fixed (stdout, or the consumer a test gives). Properties (searchable values that are not
 * metrics) are Powertools metadata, which 2.9.0 writes at the line's top level, beside the metric values.
 */
public final class MetricsPublisher {
    public static final String DEFAULT_NAMESPACE = "prepaid";
    public static final String SERVICE = "prepaid";
    public static final String NAMESPACE_VARIABLE = "POWERTOOLS_METRICS_NAMESPACE";

    /** The units this project's metrics use. */
    public enum Unit {
        COUNT(MetricUnit.COUNT), PERCENT(MetricUnit.PERCENT);

        private final MetricUnit powertools;

        Unit(MetricUnit powertools) {
            this.powertools = powertools;
        }
    }

    /** One EMF line being filled in. */
    public static final class Line {
        private final Metrics metrics;

        private Line(Metrics metrics) {
            this.metrics = metrics;
        }

        public Line metric(String name, double value, Unit unit) {
            metrics.addMetric(name, value, unit.powertools);
            return this;
        }

        /** A value searchable in the log line that is not a metric (no alarm, no cost). */
        public Line property(String name, Object value) {
            metrics.addMetadata(name, value);
            return this;
        }
    }

    private final Metrics metrics;
    private final String namespace;

    private MetricsPublisher(String namespace, Consumer<String> out) {
        this.namespace = namespace;
        // Powertools' EMF implementation (what EmfMetricsProvider builds), over a fixed environment
        this.metrics = new EmfMetricsLogger(new FixedEnvironment(out), new MetricsContext());
        metrics.setNamespace(namespace);
        metrics.setDefaultDimensions(DimensionSet.of("Service", SERVICE));
    }

    /** Lines to stdout, namespace from {@code POWERTOOLS_METRICS_NAMESPACE}. */
    public static MetricsPublisher fromEnvironment(Env env) {
        return writingTo(env.optional("POWERTOOLS_METRICS_NAMESPACE", DEFAULT_NAMESPACE), line -> System.out.println(line));
    }

    /** Lines to {@code out} (tests; the local runner uses stdout like Lambda). */
    public static MetricsPublisher writingTo(String namespace, Consumer<String> out) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalStateException(NAMESPACE_VARIABLE + " must not be blank");
        }
        return new MetricsPublisher(namespace.trim(), Objects.requireNonNull(out, "out"));
    }

    public String namespace() {
        return namespace;
    }

    /** Writes one EMF line stamped {@code at}, with the metrics and properties {@code fill} adds. */
    public void publish(Instant at, Consumer<Line> fill) {
        metrics.flushMetrics(m -> {
            m.setTimestamp(at);
            fill.accept(new Line(m));
        });
    }

    /** The EMF library's environment, fixed: no probing; its sink serialises the context to {@code out}. */
    private static final class FixedEnvironment extends EnvironmentProvider implements Environment, ISink {
        private final Consumer<String> out;
        private final CompletableFuture<Environment> resolved;

        FixedEnvironment(Consumer<String> out) {
            this.out = out;
            this.resolved = CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<Environment> resolveEnvironment() {
            return resolved;
        }

        @Override
        public Environment getDefaultEnvironment() {
            return this;
        }

        @Override
        public boolean probe() {
            return true;
        }

        @Override
        public String getName() {
            return System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "prepaid");
        }

        @Override
        public String getType() {
            return "AWS::Lambda::Function";
        }

        @Override
        public String getLogGroupName() {
            return System.getenv().getOrDefault("AWS_LAMBDA_LOG_GROUP_NAME", "");
        }

        @Override
        public void configureContext(MetricsContext context) {
            // nothing: the line carries only what the handler put in it
        }

        @Override
        public ISink getSink() {
            return this;
        }

        @Override
        public void accept(MetricsContext context) {
            try {
                List<String> lines = context.serialize();
                lines.forEach(out);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("EMF line not serialisable", e);
            }
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
