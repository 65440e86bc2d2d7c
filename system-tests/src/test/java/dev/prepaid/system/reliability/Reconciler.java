package dev.prepaid.system.reliability;

import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.adapter.out.sqs.SqsDeadLetterQueue;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.system.ReliabilityAccess;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The scheduled reconciliation ({@link ReconciliationService}), wired as the reconciliation function wires
 * it, with no waiting: every pending order is re-asked at once and every change is checked at once (the
 * production settings wait 10 minutes and 60 seconds). Used to heal what a fault left pending, and as one
 * more oracle: after a run nothing may drift, miss its entry or be an orphan.
 */
final class Reconciler {
    private Reconciler() {
    }

    static ReconciliationService build(ReliabilityAccess system, DynamoDbClient dynamo, SqsClient sqs,
                                       Map<String, PaymentProvider> providers) {
        Clock clock = Clock.systemUTC();
        PaymentWiring wiring = new PaymentWiring(system.env(), clock, dynamo, () -> sqs, providers);
        ReconciliationService.Settings settings = ReconciliationService.Settings.defaults()
                .withPendingAfter(Duration.ZERO).withSettleLag(Duration.ZERO)
                .withMaxUsers(100_000).withMaxPendingOrders(10_000).withMaxCompletedOrders(100_000);
        return new ReconciliationService(wiring.orders(), wiring.ledger(), new DynamoReconciliationStore(dynamo, system.table()),
                wiring.providers(), wiring.fulfilment(), new SqsDeadLetterQueue(sqs, system.dlqUrl(), system.queueUrl()),
                settings, clock);
    }

    /** What a clean report says: no drift, no entry missing, no orphan, nothing stuck, no error, an empty DLQ. */
    static void check(String context, ReconciliationReport report, Violations violations) {
        violations.check(report.drift().driftedUsers() == 0, context + ": reconciliation found drift " + report.drift().drifts());
        violations.check(report.completed().missingEntries().isEmpty(),
                context + ": reconciliation found completed orders without entries " + report.completed().missingEntries());
        violations.check(report.orphanEntries().isEmpty(), context + ": reconciliation found orphan entries " + report.orphanEntries());
        violations.check(report.pending().stuck() == 0, context + ": reconciliation left orders stuck " + report.pending().stuckOrderIds());
        violations.check(report.errors().isEmpty(), context + ": reconciliation could not check " + report.errors());
        violations.check(report.holds().drifts().isEmpty(),
                context + ": reconciliation found held unlike the active holds " + report.holds().drifts());
        violations.check(report.dlqDepth() == 0, context + ": the DLQ holds " + report.dlqDepth() + " message(s)");
    }
}
