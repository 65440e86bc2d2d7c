package dev.prepaid.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.system.ReliabilityAccess;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.QueuePoller;
import dev.prepaid.testing.TestClients;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The suite's own checks must be able to fail: each is fed what it exists to catch and must catch it (and
 * must pass what is fine). The fault injector must do what it claims: a throttled call never reaches the
 * engine, a lost response is a call that did execute.
 */
class CheckersSelfTest {

    private static Ledger.Entry entry(String id, String type, long amount, long after, long seq) {
        return new Ledger.Entry(id, type, amount, after, seq, Map.of());
    }

    private static final List<Ledger.Entry> GOOD = List.of(
            entry("adjustment#a", "adjustment", 1_000, 1_000, 1),
            entry("usage#b", "usage", -300, 700, 2),
            entry("usage_refund#usage#b#r1", "usage_refund", 100, 800, 3),
            entry("purchase#ord_1", "purchase", 10_000, 10_800, 4));

    @Test
    void aSoundLedgerPasses() {
        Violations v = new Violations();
        Ledger.checkInvariants("u", 10_800, GOOD, v);
        assertEquals(0, v.count(), v.summary());
    }

    @Test
    void theLedgerChecksCatchWhatTheyExistFor() {
        Violations balance = new Violations();
        Ledger.checkInvariants("u", 10_801, GOOD, balance);
        assertTrue(balance.count() > 0, "a balance that is not the sum of the ledger");

        Violations gap = new Violations();
        Ledger.checkInvariants("u", 10_800, List.of(GOOD.get(0), GOOD.get(1), GOOD.get(2),
                entry("purchase#ord_1", "purchase", 10_000, 10_800, 5)), gap);
        assertTrue(gap.count() > 0, "a gap in the sequence");

        Violations chain = new Violations();
        Ledger.checkInvariants("u", 10_800, List.of(GOOD.get(0), entry("usage#b", "usage", -300, 600, 2),
                entry("usage_refund#usage#b#r1", "usage_refund", 100, 800, 3), GOOD.get(3)), chain);
        assertTrue(chain.count() > 0, "a balanceAfter that breaks the chain");

        Violations overdraw = new Violations();
        Ledger.checkInvariants("u", -200, List.of(entry("adjustment#a", "adjustment", 100, 100, 1),
                entry("usage#b", "usage", -300, -200, 2)), overdraw);
        assertTrue(overdraw.count() > 0, "a deduct that overdrew");

        Violations refunds = new Violations();
        Ledger.checkInvariants("u", 1_400, List.of(GOOD.get(0), GOOD.get(1),
                entry("usage_refund#usage#b#r1", "usage_refund", 200, 900, 3),
                entry("usage_refund#usage#b#r2", "usage_refund", 200, 1_100, 4),
                entry("usage_refund#usage#b#-", "usage_refund", 300, 1_400, 5)), refunds);
        assertTrue(refunds.count() > 0, "refunds adding up to more than the deduction");

        Violations twice = new Violations();
        Ledger.byId("u", List.of(GOOD.get(3), GOOD.get(3)), "purchase", twice);
        assertEquals(1, twice.count(), "the same purchase entry twice");
    }

    @Test
    void theLogScanFindsSecretsTokensAndEmailsAndPassesCleanLines() {
        assertTrue(SuiteLogs.scan("{\"message\":\"POST /api/credits/deduct -> 200 in 12 us\"}").isEmpty());
        for (String leak : List.of("auth Bearer abc", "key " + ReliabilityAccess.MOCK_WEBHOOK_SECRET, "to jane.doe@example.com",
                "token user:alice", "whsec_123", "sk_test_system_tests_key_0000")) {
            List<String> found = SuiteLogs.scan("{\"message\":\"" + leak + "\"}");
            assertFalse(found.isEmpty(), leak);
            for (String report : found) {
                assertFalse(report.contains("jane.doe@example.com") || report.contains(ReliabilityAccess.MOCK_WEBHOOK_SECRET),
                        "the report repeats what it found: " + report);
            }
        }
    }

    @Test
    void theLeakPatternFindsStackTracesAndClassNamesButNotPlainErrors() {
        assertFalse(BadInputTest.LEAK.matcher("{\"error\":\"invalid_json\",\"message\":\"the body is not valid JSON\"}").find());
        assertFalse(BadInputTest.LEAK.matcher("{\"error\":\"unknown_field\",\"message\":\"unknown field: jane.doe@example.com\"}").find());
        for (String leak : List.of("java.lang.IllegalStateException: boom", "\tat dev.prepaid.Foo.bar(Foo.java:12)",
                "com.fasterxml.jackson.core.JsonParseException", "software.amazon.awssdk.core.exception.SdkClientException",
                "NullPointerException")) {
            assertTrue(BadInputTest.LEAK.matcher(leak).find(), leak);
        }
    }

    @Test
    void theReconciliationCheckFailsOnEveryFinding() {
        Instant now = Instant.now();
        ReconciliationReport.Pending pending = new ReconciliationReport.Pending(0, 0, 0, 0, 0, 0, List.of(), List.of(), true);
        ReconciliationReport.Completed completed = new ReconciliationReport.Completed(now, now, true, 0, List.of());
        ReconciliationReport.Drift drift = new ReconciliationReport.Drift(now, now, true, 1, List.of());
        ReconciliationReport.SuccessRate rate = ReconciliationReport.SuccessRate.of(0, 0, 0);
        Violations clean = new Violations();
        Reconciler.check("clean", new ReconciliationReport(now, now, pending, completed, List.of(), drift, 0, rate, List.of()), clean);
        assertEquals(0, clean.count(), clean.summary());

        List<ReconciliationReport> bad = List.of(
                new ReconciliationReport(now, now, pending, completed, List.of(), new ReconciliationReport.Drift(now, now, true, 1,
                        List.of(new ReconciliationReport.UserDrift("u", 100, 90, 10, 2, 2, 2))), 0, rate, List.of()),
                new ReconciliationReport(now, now, pending, new ReconciliationReport.Completed(now, now, true, 1,
                        List.of(new ReconciliationReport.MissingEntry("ord_1", "u", "one_time", "purchase#ord_1"))), List.of(), drift, 0, rate, List.of()),
                new ReconciliationReport(now, now, pending, completed,
                        List.of(new ReconciliationReport.OrphanEntry("purchase#ord_2", "u", "ord_2", "order_missing")), drift, 0, rate, List.of()),
                new ReconciliationReport(now, now, new ReconciliationReport.Pending(1, 0, 0, 0, 1, 0, List.of(), List.of("ord_3"), true),
                        completed, List.of(), drift, 0, rate, List.of()),
                new ReconciliationReport(now, now, pending, completed, List.of(), drift, 2, rate, List.of()),
                new ReconciliationReport(now, now, pending, completed, List.of(), drift, 0, rate,
                        List.of(new ReconciliationReport.RunError("drift", "u", "unexpected_error", "boom"))));
        for (ReconciliationReport report : bad) {
            Violations v = new Violations();
            Reconciler.check("bad", report, v);
            assertTrue(v.count() > 0, report.toString());
        }
    }

    @Test
    void theInjectorThrottlesResetsAndLosesResponsesOfCallsThatDidExecute() {
        LocalEngines engines = LocalEngines.shared();
        FaultInjector injector = new FaultInjector();
        DynamoDbClient dynamo = TestClients.dynamo(engines.dynamoEndpoint(), injector);
        SqsClient sqs = TestClients.sqs(engines.sqsEndpoint(), injector);
        String table = TestClients.createLedgerTable(dynamo);
        String queue = QueuePoller.createQueueWithDlq(sqs, "self-test-" + UUID.randomUUID().toString().substring(0, 8), 1)[0];

        injector.arm(1, FaultInjector.Kind.THROTTLED);
        SdkServiceException throttled = assertThrows(SdkServiceException.class, () -> put(dynamo, table, "throttled"));
        assertEquals(400, throttled.statusCode());
        assertTrue(throttled.isThrottlingException(), "a throttling error code");
        injector.disarm();
        assertFalse(exists(dynamo, table, "throttled"), "a throttled call never executed");

        injector.arm(1, FaultInjector.Kind.CONNECTION_RESET);
        SdkClientException reset = assertThrows(SdkClientException.class, () -> put(dynamo, table, "reset"));
        assertTrue(causedBy(reset, java.net.SocketException.class), "a reset connection: " + reset);
        injector.disarm();
        assertFalse(exists(dynamo, table, "reset"), "a call whose connection broke never executed");

        injector.arm(2, FaultInjector.Kind.RESPONSE_LOST);
        put(dynamo, table, "first");
        SdkClientException lost = assertThrows(SdkClientException.class, () -> put(dynamo, table, "lost"));
        assertTrue(causedBy(lost, IOException.class), "the caller sees a broken connection: " + lost);
        injector.disarm();
        assertTrue(exists(dynamo, table, "lost"), "a lost response belongs to a call that executed");
        assertEquals("DynamoDb.PutItem", injector.injectedAt());

        injector.arm(1, FaultInjector.Kind.RESPONSE_LOST);
        assertThrows(SdkClientException.class, () -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody("sent anyway")));
        injector.disarm();
        assertEquals(1, sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages().size(),
                "a message whose send answer was lost is on the queue");

        injector.arm(1, FaultInjector.Kind.THROTTLED);
        SdkServiceException sqsThrottled = assertThrows(SdkServiceException.class,
                () -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody("never sent")));
        assertTrue(sqsThrottled.isThrottlingException());
        injector.disarm();

        injector.count();
        put(dynamo, table, "counted");
        exists(dynamo, table, "counted");
        injector.disarm();
        assertEquals(List.of("DynamoDb.PutItem", "DynamoDb.GetItem"), injector.seen());
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void put(DynamoDbClient dynamo, String table, String key) {
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS("SELFTEST#" + key), "sk", AttributeValue.fromS("X"))));
    }

    private static boolean exists(DynamoDbClient dynamo, String table, String key) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("SELFTEST#" + key), "sk", AttributeValue.fromS("X")))).hasItem();
    }
}
