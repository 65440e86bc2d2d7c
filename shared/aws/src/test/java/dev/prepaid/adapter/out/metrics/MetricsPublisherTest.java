package dev.prepaid.adapter.out.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prepaid.adapter.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MetricsPublisherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-06T02:00:00.123Z");

    @Test
    void oneEmfLineOnStdoutInTheNamespaceOfTheEnvironmentWithTheServiceDimension() throws Exception {
        MetricsPublisher metrics = MetricsPublisher.fromEnvironment(
                new Env(Map.of("POWERTOOLS_METRICS_NAMESPACE", "prepaid-test")));
        String printed = stdoutOf(() -> metrics.publish(Instant.now(), line -> line
                .metric("StuckOrders", 2, MetricsPublisher.Unit.COUNT)
                .metric("PaymentSuccessRate", 97.5, MetricsPublisher.Unit.PERCENT)
                .property("AwaitingOrders", 3)));

        List<String> lines = printed.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), printed);
        JsonNode line = JSON.readTree(lines.get(0));
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("prepaid-test", directive.path("Namespace").asText());
        assertEquals("[[\"Service\"]]", directive.path("Dimensions").toString());
        Map<String, String> units = new HashMap<>();
        directive.path("Metrics").forEach(m -> units.put(m.path("Name").asText(), m.path("Unit").asText()));
        assertEquals(Map.of("StuckOrders", "Count", "PaymentSuccessRate", "Percent"), units);
        assertEquals("prepaid", line.path("Service").asText());
        assertEquals(2, line.path("StuckOrders").asInt());
        assertEquals(97.5, line.path("PaymentSuccessRate").asDouble());
        assertEquals(3, line.path("AwaitingOrders").asInt(), "a property: in the line, not a metric: " + line);
        assertFalse(line.path("_aws").has("AwaitingOrders"));
        assertTrue(Math.abs(line.path("_aws").path("Timestamp").asLong() - System.currentTimeMillis()) < 600_000);
    }

    @Test
    void theNamespaceDefaultsToPrepaidAndMayNotBeBlank() throws Exception {
        assertEquals("prepaid", MetricsPublisher.fromEnvironment(new Env(Map.of())).namespace());
        assertThrows(IllegalStateException.class, () -> MetricsPublisher.writingTo(" ", line -> { }));
    }

    @Test
    void everyPublishIsALineOfItsOwnStampedWithItsInstant() throws Exception {
        List<String> lines = new ArrayList<>();
        MetricsPublisher metrics = MetricsPublisher.writingTo("prepaid", lines::add);
        metrics.publish(AT, line -> line.metric("PaymentMismatch", 1, MetricsPublisher.Unit.COUNT)
                .property("Provider", "stripe"));
        metrics.publish(AT.plusSeconds(1), line -> line.metric("ForeignPaymentIgnored", 1, MetricsPublisher.Unit.COUNT)
                .property("Provider", "creem"));

        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        JsonNode second = JSON.readTree(lines.get(1));
        assertEquals(AT.toEpochMilli(), first.path("_aws").path("Timestamp").asLong());
        assertEquals(AT.plusSeconds(1).toEpochMilli(), second.path("_aws").path("Timestamp").asLong());
        assertEquals(1, first.path("PaymentMismatch").asInt());
        assertFalse(second.has("PaymentMismatch"), "nothing carries over from the line before: " + second);
        assertEquals("creem", second.path("Provider").asText());
        assertEquals("[[\"Service\"]]", second.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString());
    }

    @Test
    void concurrentPublishesNeverMixTheirLines() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        MetricsPublisher metrics = MetricsPublisher.writingTo("prepaid", lines::add);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = "M" + (i % 4);
                done.add(pool.submit(() -> metrics.publish(Instant.now(),
                        line -> line.metric(name, 1, MetricsPublisher.Unit.COUNT))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, lines.size());
        for (String text : lines) {
            JsonNode metricsOfLine = JSON.readTree(text).path("_aws").path("CloudWatchMetrics").get(0).path("Metrics");
            assertEquals(1, metricsOfLine.size(), text);
        }
    }

    private static String stdoutOf(Runnable work) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
