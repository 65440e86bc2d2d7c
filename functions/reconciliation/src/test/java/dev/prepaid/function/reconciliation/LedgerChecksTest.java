package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.port.out.ReconciliationReport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Steps b, c and d on data damaged behind the ledger's back: a balance changed by a direct UpdateItem, a
 * deleted purchase or grant entry, a deleted order. Healthy users beside them are never reported.
 */
class LedgerChecksTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aCorruptedBalanceIsReportedWithItsExactDriftAndAHealthyOneIsNot() {
        String corrupted = ReconFixture.newUser();
        String healthy = ReconFixture.newUser();
        fx.purchased(corrupted, "trial");   // 100
        fx.grant(corrupted, 1234);          // 12.34
        fx.grant(healthy, 5000);
        fx.corruptBalance(corrupted, 250, 0); // 100 + 12.34 becomes 114.84: 2.50 out of thin air

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(2, report.drift().usersChecked());
        assertEquals(List.of(new ReconciliationReport.UserDrift(corrupted, 11484, 11234, 250, 2, 2, 2)),
                report.drift().drifts());
        assertEquals(250, report.drift().absoluteDriftHundredths());
        assertFalse(report.drift().drifts().get(0).seqMismatch());
        assertTrue(report.drift().passComplete());
        assertEquals(List.of(), report.completed().missingEntries());
        assertEquals(List.of(), report.orphanEntries());
        assertEquals(List.of(), report.errors());
        assertEquals(report.drift(), fx.service().latestReport().orElseThrow().drift(), "the report is saved");
    }

    @Test
    void aBalanceVersionAheadOfItsEntriesIsASeqMismatchEvenWithoutDrift() {
        String user = ReconFixture.newUser();
        fx.grant(user, 700);
        fx.corruptBalance(user, -300, 1);

        ReconciliationReport report = fx.run(fx.service());

        ReconciliationReport.UserDrift drift = report.drift().drifts().get(0);
        assertEquals(new ReconciliationReport.UserDrift(user, 400, 700, -300, 2, 1, 1), drift);
        assertTrue(drift.seqMismatch());
        assertEquals(300, report.drift().absoluteDriftHundredths(), "the size is absolute");
    }

    @Test
    void aCompletedOrderWhosePurchaseEntryWasDeletedIsReportedMissing() {
        String user = ReconFixture.newUser();
        Order damaged = fx.purchased(user, "trial");
        Order whole = fx.purchased(user, "trial");
        fx.deleteEntry(ReconFixture.purchaseEntry(damaged));

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(2, report.completed().checked());
        assertEquals(List.of(new ReconciliationReport.MissingEntry(damaged.orderId().value(), user, "one_time",
                ReconFixture.purchaseEntry(damaged))), report.completed().missingEntries());
        assertFalse(report.completed().missingEntries().toString().contains(whole.orderId().value()));
        // the balance still holds the deleted entry's credits
        assertEquals(List.of(new ReconciliationReport.UserDrift(user, 20000, 10000, 10000, 2, 2, 1)),
                report.drift().drifts());
        assertEquals(List.of(), report.orphanEntries());
    }

    @Test
    void aSubscriptionOrderNeedsAGrantNamingItAndOneWithoutIsReportedMissing() {
        String user = ReconFixture.newUser();
        Order damaged = fx.subscribed(user, "basic");
        String other = ReconFixture.newUser();
        Order whole = fx.subscribed(other, "pro");
        LedgerEntry grant = fx.entries(user).stream().filter(e -> e.type() == EntryType.SUBSCRIPTION_GRANT)
                .findFirst().orElseThrow();
        assertEquals(damaged.orderId().value(), grant.metadata().get("orderId"));
        fx.deleteEntry(grant.entryId());

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(2, report.completed().checked());
        assertEquals(List.of(new ReconciliationReport.MissingEntry(damaged.orderId().value(), user, "subscription",
                "subscription_grant with orderId " + damaged.orderId().value())), report.completed().missingEntries());
        assertFalse(report.completed().missingEntries().toString().contains(whole.orderId().value()));
    }

    @Test
    void aPurchaseEntryWhoseOrderWasDeletedIsAnOrphan() {
        String user = ReconFixture.newUser();
        Order gone = fx.purchased(user, "trial");
        fx.purchased(user, "trial");
        fx.deleteOrder(gone);

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(List.of(new ReconciliationReport.OrphanEntry(ReconFixture.purchaseEntry(gone), user,
                gone.orderId().value(), "order_missing")), report.orphanEntries());
        assertEquals(List.of(), report.drift().drifts(), "the balance agrees with the ledger");
        assertEquals(1, report.completed().checked(), "the deleted order is not in the completed list either");
        assertEquals(List.of(), report.completed().missingEntries());
        assertEquals(Credits.of(200), fx.balance(user));
    }

    @Test
    void aSubscriptionGrantWhoseOrderWasDeletedIsAnOrphan() {
        String user = ReconFixture.newUser();
        Order gone = fx.subscribed(user, "basic");
        LedgerEntry grant = fx.entries(user).stream().filter(e -> e.type() == EntryType.SUBSCRIPTION_GRANT)
                .findFirst().orElseThrow();
        fx.deleteOrder(gone);

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(List.of(new ReconciliationReport.OrphanEntry(grant.entryId(), user, gone.orderId().value(),
                "order_missing")), report.orphanEntries());
    }

    @Test
    void aRenewalGrantNeedsTheUsersSubscriptionAndOneWithoutIsAnOrphan() {
        String renewed = ReconFixture.newUser();
        fx.subscribed(renewed, "basic");
        String stranger = ReconFixture.newUser();
        fx.grant(stranger, 100); // a balance, but no subscription
        String invoice = ReconFixture.id("in_");
        // a renewal invoice naming the stranger, whose subscription does not exist here
        fx.wiring.ledger().post(new dev.prepaid.domain.Posting(new dev.prepaid.domain.UserId(stranger),
                dev.prepaid.domain.EntryIds.subscriptionGrant("stripe", invoice), EntryType.SUBSCRIPTION_GRANT,
                Credits.of(50), dev.prepaid.domain.BalanceRule.ALLOW_NEGATIVE, invoice,
                dev.prepaid.domain.Fingerprint.of("subscription_grant", "stripe", invoice,
                        new dev.prepaid.domain.UserId(stranger), 5000),
                "basic plan credits", null, java.util.Map.of("productId", "basic", "provider", "stripe"),
                java.time.Instant.now(), java.util.Optional.empty(), List.of()));
        String renewal = ReconFixture.id("in_");
        var subscription = fx.wiring.orders().subscription(new dev.prepaid.domain.UserId(renewed)).orElseThrow();
        fx.fulfilment.handle(new dev.prepaid.domain.payment.PaymentEvent.SubscriptionPaid("stripe",
                ReconFixture.id("evt_"), "invoice.paid", renewal, subscription.subscriptionId(), ReconFixture.id("pi_"),
                new dev.prepaid.domain.payment.Money(1990, "usd"), java.time.Instant.now().plus(java.time.Duration.ofDays(60)),
                null, null, null, null));
        assertEquals(2, fx.entries(renewed).stream().filter(e -> e.type() == EntryType.SUBSCRIPTION_GRANT).count());

        ReconciliationReport report = fx.run(fx.service());

        assertEquals(List.of(new ReconciliationReport.OrphanEntry(
                dev.prepaid.domain.EntryIds.subscriptionGrant("stripe", invoice), stranger, null,
                "subscription_missing")), report.orphanEntries(), "the renewal of a known subscription is no orphan");
    }
}
