package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import dev.prepaid.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drift check is incremental: it starts from the user's ledger-sum checkpoint and reads only the entries
 * posted since, so its cost per user is bounded by what changed, not by the length of the history; a full
 * sum is still made for a user with an open drift item and periodically, which is what catches an old entry
 * deleted or altered behind the checkpoint.
 */
class IncrementalDriftTest {
    private final ReconFixture fx = new ReconFixture();
    private final DynamoReconciliationStore store = new DynamoReconciliationStore(fx.dynamo, fx.table);

    @AfterEach
    void close() {
        fx.close();
    }

    private ReconciliationStore.LedgerSum checkpoint(String user) {
        return store.ledgerSum(new UserId(user)).orElseThrow();
    }

    @Test
    void aLongHistoryIsReadOnceAndThenOnlyItsNewEntries() {
        String user = ReconFixture.newUser();
        fx.longHistory(user, 2500);
        ReconciliationService service = fx.service();

        ReconciliationReport first = fx.run(service);

        assertEquals(1, first.drift().usersChecked());
        assertEquals(List.of(), first.drift().drifts());
        assertTrue(fx.ledgerReads.items() >= 2500, "the first check sums the whole ledger: " + fx.ledgerReads.items());
        assertEquals(2500, checkpoint(user).seq());
        assertEquals(250_000, checkpoint(user).sum());

        fx.grant(user, 100);
        fx.grant(user, 250);
        fx.grant(user, 5);
        fx.ledgerReads.reset();

        ReconciliationReport second = fx.run(service);

        assertEquals(1, second.drift().usersChecked());
        assertEquals(List.of(), second.drift().drifts());
        assertEquals(List.of(), second.errors());
        assertEquals(3, fx.ledgerReads.items(), "only the entries after the checkpoint are read");
        assertEquals(1, fx.ledgerReads.pages());
        assertEquals(2503, checkpoint(user).seq());
        assertEquals(250_355, checkpoint(user).sum());
        assertEquals(checkpoint(user).resummedAt(), store.ledgerSum(new UserId(user)).orElseThrow().resummedAt());
    }

    @Test
    void aDriftAfterTheCheckpointIsFoundMeasuredOnTheWholeLedgerAndTheCheckpointStays() {
        String user = ReconFixture.newUser();
        fx.longHistory(user, 1200);
        ReconciliationService service = fx.service();
        fx.run(service);
        ReconciliationStore.LedgerSum trusted = checkpoint(user);
        assertEquals(1200, trusted.seq());

        fx.grant(user, 100);                 // seq 1201, 1,201.00
        fx.corruptBalance(user, 250, 0);     // 2.50 out of thin air

        ReconciliationReport report = fx.run(service);

        assertEquals(List.of(new ReconciliationReport.UserDrift(user, 120_350, 120_100, 250, 1201, 1201, 1201)),
                report.drift().drifts(), "the drift as the whole ledger measures it");
        assertEquals(1, report.openDrifts().size());
        assertEquals(trusted, checkpoint(user), "a drift does not advance the checkpoint");

        // The open item is rechecked in full every run.
        fx.ledgerReads.reset();
        ReconciliationReport again = fx.run(service);
        assertEquals(250, again.openDrifts().get(0).drift());
        assertTrue(fx.ledgerReads.items() >= 1201, "an open drift item is summed in full");
        assertEquals(trusted, checkpoint(user));
    }

    @Test
    void aCorruptedBalanceAfterTheCheckpointIsFound() {
        String user = ReconFixture.newUser();
        fx.grant(user, 1000);
        fx.grant(user, 500);
        ReconciliationService service = fx.service();
        fx.run(service);
        assertEquals(2, checkpoint(user).seq());

        fx.corruptBalance(user, -300, 1); // a version bump too, so the grant below reads the damaged balance
        fx.grant(user, 100);

        ReconciliationReport report = fx.run(service);

        assertEquals(1, report.drift().driftedUsers());
        ReconciliationReport.UserDrift drift = report.drift().drifts().get(0);
        assertEquals(-300, drift.drift());
        assertEquals(4, drift.balanceSeq());
        assertEquals(2, checkpoint(user).seq());
    }

    @Test
    void aBalanceVersionThatSkipsAnEntryIsFoundEvenWhenTheSumsAgree() {
        String user = ReconFixture.newUser();
        fx.grant(user, 1000);
        ReconciliationService service = fx.service();
        fx.run(service);

        fx.grant(user, 100);
        fx.grant(user, 200);
        List<LedgerEntry> entries = fx.entries(user); // newest first
        fx.deleteEntry(entries.get(1).entryId());     // seq 2 (1.00) gone ...
        fx.corruptBalance(user, -100, 0);             // ... and the balance made to agree with the rest

        ReconciliationReport report = fx.run(service);

        assertEquals(1, report.drift().driftedUsers(), "seq 2 is missing from the chain");
        ReconciliationReport.UserDrift drift = report.drift().drifts().get(0);
        assertEquals(0, drift.drift());
        assertEquals(2, drift.entries());
    }

    @Test
    void anOldEntryDeletedBehindTheCheckpointIsFoundByThePeriodicFullSum() {
        String user = ReconFixture.newUser();
        MutableClock clock = new MutableClock(Instant.now());
        ReconciliationService service = fx.service(ReconFixture.settings().withFullResumAfter(Duration.ofHours(1)), clock);
        for (int i = 1; i <= 5; i++) {
            fx.grant(user, 100 * i, clock);
        }
        clock.advance(Duration.ofMillis(5));
        service.run();
        ReconciliationStore.LedgerSum base = checkpoint(user);
        assertEquals(5, base.seq());

        LedgerEntry old = fx.entries(user).stream().filter(e -> e.sequence() == 2).findFirst().orElseThrow();
        fx.deleteEntry(old.entryId()); // behind the checkpoint: 2.00 of the balance has no entry any more
        clock.advance(Duration.ofMinutes(10));
        fx.grant(user, 10, clock);
        clock.advance(Duration.ofMillis(5));

        ReconciliationReport incremental = service.run();

        assertEquals(1, incremental.drift().usersChecked());
        assertEquals(List.of(), incremental.drift().drifts(),
                "the trade-off: the incremental check reads only seq 6 and cannot see the deletion");
        assertEquals(6, checkpoint(user).seq());
        assertEquals(base.resummedAt(), checkpoint(user).resummedAt(), "an incremental advance keeps the full sum's time");

        clock.advance(Duration.ofHours(2)); // the last full sum is now older than an hour
        fx.grant(user, 10, clock);
        clock.advance(Duration.ofMillis(5));

        ReconciliationReport periodic = service.run();

        assertEquals(1, periodic.drift().driftedUsers(), "the full sum finds it");
        ReconciliationReport.UserDrift drift = periodic.drift().drifts().get(0);
        assertEquals(200, drift.drift());
        assertEquals(7, drift.balanceSeq());
        assertEquals(6, drift.entries());
        assertEquals(1, periodic.openDrifts().size());
        assertEquals(6, checkpoint(user).seq(), "not advanced over a drift");

        // The balance moves again: the changed-balance walk checks the user in full while the item is open
        // (from the checkpoint, seq 7 and 8 would agree with the balance and close it wrongly).
        clock.advance(Duration.ofMinutes(1));
        fx.grant(user, 10, clock);
        clock.advance(Duration.ofMillis(5));

        ReconciliationReport after = service.run();

        assertEquals(1, after.drift().usersChecked());
        assertEquals(1, after.drift().driftedUsers());
        assertEquals(200, after.openDrifts().get(0).drift(), "still open");
        assertEquals(6, checkpoint(user).seq());
    }

    @Test
    void aUserWithAnOpenDriftItemIsSummedInFullByTheChangedBalanceWalk() {
        String user = ReconFixture.newUser();
        for (int i = 1; i <= 4; i++) {
            fx.grant(user, 100 * i);
        }
        ReconciliationService service = fx.service();
        fx.run(service);
        assertEquals(4, checkpoint(user).seq());

        // An old entry goes missing behind the (fresh) checkpoint, and the item is open for it, as the periodic
        // full sum of another run would have left it.
        LedgerEntry old = fx.entries(user).stream().filter(e -> e.sequence() == 3).findFirst().orElseThrow();
        fx.deleteEntry(old.entryId());
        store.saveDrift(new ReconciliationReport.UserDrift(user, 1000, 700, 300, 4, 4, 3), Instant.now());
        fx.grant(user, 10); // the balance moves: the walk checks the user

        ReconciliationReport report = fx.run(service);

        assertEquals(1, report.drift().usersChecked());
        assertEquals(1, report.drift().driftedUsers(), "from the checkpoint, seq 5 alone would agree");
        assertEquals(300, report.openDrifts().get(0).drift());
        assertEquals(4, checkpoint(user).seq());
    }

    @Test
    void theCheckpointNeverMovesBackwards() {
        UserId user = new UserId(ReconFixture.newUser());
        Instant full = Instant.parse("2026-01-01T00:00:00Z");
        Instant later = full.plus(Duration.ofDays(1));

        assertTrue(store.saveLedgerSum(user, new ReconciliationStore.LedgerSum(10, 1000, full, full)));
        // a slower run that summed less saves after the faster one: kept out
        assertFalse(store.saveLedgerSum(user, new ReconciliationStore.LedgerSum(5, 500, full, later)));
        assertEquals(10, store.ledgerSum(user).orElseThrow().seq());
        // the same version, re-summed no later: kept out too
        assertFalse(store.saveLedgerSum(user, new ReconciliationStore.LedgerSum(10, 999, full, later)));
        assertEquals(1000, store.ledgerSum(user).orElseThrow().sum());
        // ahead, or the same version re-summed in full since: saved
        assertTrue(store.saveLedgerSum(user, new ReconciliationStore.LedgerSum(10, 1000, later, later)));
        assertEquals(later, store.ledgerSum(user).orElseThrow().resummedAt());
        assertTrue(store.saveLedgerSum(user, new ReconciliationStore.LedgerSum(12, 1200, full, later)));
        assertEquals(new ReconciliationStore.LedgerSum(12, 1200, full, later), store.ledgerSum(user).orElseThrow());
    }

    @Test
    void overlappingRunsLeaveTheFurthestCheckpoint() throws Exception {
        String user = ReconFixture.newUser();
        fx.longHistory(user, 300);
        ReconciliationService a = fx.service();
        ReconciliationService b = fx.service();
        fx.run(a);

        for (int i = 0; i < 5; i++) {
            fx.grant(user, 100);
        }
        Thread other = new Thread(() -> fx.run(b));
        other.start();
        fx.run(a);
        other.join();

        assertEquals(305, checkpoint(user).seq());
        assertEquals(30_500, checkpoint(user).sum());
        // an older run's view (the first run's checkpoint) can no longer be written over it
        assertFalse(store.saveLedgerSum(new UserId(user),
                new ReconciliationStore.LedgerSum(300, 30_000, Instant.now(), Instant.now())));
        assertEquals(305, checkpoint(user).seq());
    }

    @Test
    void aFullSumIsDueWeeklyByDefault() {
        assertEquals(Duration.ofDays(7), ReconciliationService.Settings.defaults().fullResumAfter());
    }
}
