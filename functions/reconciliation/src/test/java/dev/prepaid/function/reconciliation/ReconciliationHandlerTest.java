package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.payment.CheckoutLifetime;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.testing.LogCapture;
import dev.prepaid.testing.TestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Lambda entry point, wired from an environment map the way the deployed function is: one JSON log
 * line with the report, one EMF line with the five metrics, a summary as the invocation's result.
 */
class ReconciliationHandlerTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private Map<String, String> env() {
        Map<String, String> vars = new HashMap<>(fx.vars);
        vars.put("RECONCILE_MAX_USERS", "50");
        vars.put("RECONCILE_PENDING_AFTER_MINUTES", "10");
        vars.put("RECONCILE_SETTLE_SECONDS", "0");
        return vars;
    }

    @Test
    void theEmfLineIsValidJsonWithAllFiveMetricsAndTheirValues() throws Exception {
        String user = ReconFixture.newUser();
        Order healed = fx.stripeOrder(user, "trial", Duration.ofMinutes(12));
        fx.stripe.markPaid(healed.checkoutId());
        fx.stripeOrder(user, "trial", Duration.ofMinutes(66)); // open past its lifetime (60 min) and grace: stuck
        fx.stripeOrder(user, "trial", Duration.ofMinutes(13)); // open within it: awaiting, not in StuckOrders
        String drifted = ReconFixture.newUser();
        fx.grant(drifted, 1000);
        fx.corruptBalance(drifted, -125, 0);
        fx.sqs.sendMessage(b -> b.queueUrl(fx.dlqUrl).messageBody("{}"));
        List<String> emf = new ArrayList<>();
        ReconciliationHandler handler = new ReconciliationHandler(fx.service(),
                dev.prepaid.adapter.out.metrics.MetricsPublisher.writingTo("prepaid", emf::add), Clock.systemUTC(), null);

        Thread.sleep(3);
        Map<String, Object> result = handler.handleRequest(null, new TestContext("reconciliation"));

        assertEquals(1, emf.size(), "one EMF line per run");
        JsonNode line = Json.MAPPER.readTree(emf.get(0));
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertTrue(line.path("_aws").path("Timestamp").isIntegralNumber());
        assertTrue(Math.abs(line.path("_aws").path("Timestamp").asLong() - System.currentTimeMillis()) < 60_000);
        assertEquals("prepaid", directive.path("Namespace").asText());
        assertEquals("[[\"Service\"]]", directive.path("Dimensions").toString());
        Map<String, String> units = new HashMap<>();
        directive.path("Metrics").forEach(m -> units.put(m.path("Name").asText(), m.path("Unit").asText()));
        assertEquals(Map.of("StuckOrders", "Count", "OrdersHealed", "Count", "CreditDrift", "Count",
                "PaymentSuccessRate", "Percent", "DlqDepth", "Count", "MissingEntries", "Count", "OrphanEntries", "Count",
                "ReconciliationErrors", "Count"), units);
        assertEquals("prepaid", line.path("Service").asText());
        for (String metric : units.keySet()) {
            assertTrue(line.path(metric).isNumber(), metric + " has a numeric value: " + line);
        }
        assertEquals(1, line.path("StuckOrders").asInt());
        assertEquals(1, line.path("AwaitingOrders").asInt(), "a property, not a metric");
        assertEquals(1, line.path("OrdersHealed").asInt());
        assertEquals(1, line.path("CreditDrift").asInt());
        assertEquals(125, line.path("CreditDriftAbsoluteHundredths").asLong());
        assertEquals(1, line.path("DlqDepth").asInt());
        assertEquals(0, line.path("MissingEntries").asInt());
        assertEquals(0, line.path("OrphanEntries").asInt());
        assertEquals(0, line.path("ReconciliationErrors").asInt());
        assertEquals(100.0, line.path("PaymentSuccessRate").asDouble());
        assertEquals("observed", line.path("PaymentSuccessRateBasis").asText(), "the order this run healed counts");

        assertEquals(1, result.get("stuckOrders"));
        assertEquals(1, result.get("awaitingOrders"));
        assertEquals(1, result.get("ordersHealed"));
        assertEquals(1, result.get("creditDrift"));
        assertEquals(1, result.get("dlqDepth"));
        assertEquals(Credits.of(100), fx.balance(user));
    }

    @Test
    void wiredFromTheEnvironmentItAcceptsAScheduledOrAnEmptyEventAndLogsTheReportAsOneJsonLine() throws Exception {
        String user = ReconFixture.newUser();
        Order order = fx.stripeOrder(user, "trial", Duration.ofMinutes(15));
        fx.stripe.markPaid(order.checkoutId());
        Map<String, String> vars = env();
        vars.put("POWERTOOLS_METRICS_NAMESPACE", "prepaid-handler-test");
        ReconciliationHandler handler = ReconciliationHandler.fromEnv(new Env(vars));
        ScheduledEvent scheduled = new ScheduledEvent().withId("evt-schedule-1").withSource("aws.events")
                .withDetailType("Scheduled Event").withDetail(Map.of());

        String logs;
        Map<String, Object> first;
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        try (LogCapture capture = new LogCapture()) {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            first = handler.handleRequest(scheduled, new TestContext("reconciliation"));
            logs = capture.text();
        } finally {
            System.setOut(stdout);
        }
        // the EMF line goes to stdout (Powertools metrics), in the namespace the environment names
        List<JsonNode> emfLines = new ArrayList<>();
        for (String text : printed.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            if (text.contains("\"_aws\"")) {
                emfLines.add(Json.MAPPER.readTree(text));
            }
        }
        assertEquals(1, emfLines.size(), "one EMF line on stdout: " + printed);
        JsonNode emf = emfLines.get(0);
        assertEquals("prepaid-handler-test", emf.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText());
        assertEquals("[[\"Service\"]]", emf.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString());
        assertEquals("prepaid", emf.path("Service").asText());
        assertEquals(1, emf.path("OrdersHealed").asInt(), emf.toString());
        assertEquals(0, emf.path("StuckOrders").asInt(), emf.toString());
        Map<String, Object> second = handler.handleRequest(new ScheduledEvent(), null);

        assertEquals(1, first.get("ordersHealed"));
        assertEquals(0, second.get("ordersHealed"));
        assertEquals(Credits.of(100), fx.balance(user));

        List<JsonNode> reportLines = new ArrayList<>();
        for (String text : logs.split("\n")) {
            if (text.isBlank()) {
                continue;
            }
            JsonNode line = Json.MAPPER.readTree(text); // every line is one JSON object
            if (line.path("message").asText().startsWith("reconciliation report")) {
                reportLines.add(line);
            }
        }
        assertEquals(1, reportLines.size(), logs);
        JsonNode report = reportLines.get(0).path("report");
        assertTrue(report.isObject(), "the report is structured, not an escaped string: " + reportLines.get(0));
        assertEquals(List.of(order.orderId().value()),
                Json.MAPPER.convertValue(report.path("pending").path("healedOrderIds"), List.class));
        assertEquals("evt-schedule-1", reportLines.get(0).path("correlation_id").asText());
        Set<String> parts = new TreeSet<>();
        report.fieldNames().forEachRemaining(parts::add);
        assertEquals(new TreeSet<>(List.of("startedAt", "finishedAt", "pending", "completed", "orphanEntries", "drift",
                "dlqDepth", "paymentSuccessRate", "errors", "openDrifts", "paymentMismatches", "holds")), parts);
        assertFalse(logs.contains(fx.vars.get("STRIPE_SECRET_KEY")), "no secret in the logs");
    }

    /** A metric's value in the run's EMF line. */
    static int metric(dev.prepaid.port.out.ReconciliationReport report, String name) {
        try {
            return Json.MAPPER.readTree(ReconciliationHandler.emf(report, java.time.Instant.now())).path(name).asInt(-1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theCheckoutLifetimeComesFromTheEnvironmentAndAnOutOfRangeOneFailsTheColdStart() {
        assertEquals(CheckoutLifetime.DEFAULT, dev.prepaid.wiring.ReconciliationWiring.services(new Env(env())).settings()
                .checkoutLifetime());
        Map<String, String> vars = env();
        vars.put("CHECKOUT_LIFETIME_MINUTES", "180");
        assertEquals(CheckoutLifetime.ofMinutes(180), dev.prepaid.wiring.ReconciliationWiring.services(new Env(vars)).settings()
                .checkoutLifetime());
        for (String bad : List.of("20", "1441", "an hour")) {
            vars.put("CHECKOUT_LIFETIME_MINUTES", bad);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ReconciliationHandler.fromEnv(new Env(vars)));
            assertTrue(e.getMessage().startsWith("CHECKOUT_LIFETIME_MINUTES must be a whole number of minutes from 35"),
                    e.getMessage());
        }
    }

    @Test
    void aBadSettingFailsTheColdStartNamingTheVariable() {
        for (String bad : List.of("abc", "0", "-3")) {
            Map<String, String> vars = env();
            vars.put("RECONCILE_MAX_USERS", bad);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ReconciliationHandler.fromEnv(new Env(vars)));
            assertTrue(e.getMessage().contains("RECONCILE_MAX_USERS"), e.getMessage());
        }
        Map<String, String> vars = env();
        vars.remove("FULFILMENT_DLQ_URL");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReconciliationHandler.fromEnv(new Env(vars)));
        assertTrue(e.getMessage().contains("FULFILMENT_DLQ_URL"), e.getMessage());
    }
}
