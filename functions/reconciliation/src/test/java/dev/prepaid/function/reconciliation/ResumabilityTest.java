package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.port.out.ReconciliationCheckpoint;
import dev.prepaid.port.out.ReconciliationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every walk is bounded per run and resumes from the checkpoint: over several runs each changed balance
 * (and each completed order) is checked exactly once per pass.
 */
class ResumabilityTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void twelveChangedUsersWithFivePerRunAreAllCheckedOverThreeRunsAndNoneTwiceInThePass() {
        // Each user's balance is off by its own amount, so a run's drift list names exactly the users it checked.
        Map<String, Long> offBy = new LinkedHashMap<>();
        for (int i = 1; i <= 12; i++) {
            String user = ReconFixture.newUser();
            fx.grant(user, 1000);
            fx.corruptBalance(user, i, 0);
            offBy.put(user, (long) i);
        }
        ReconciliationService service = fx.service(ReconFixture.settings().withMaxUsers(5));

        List<ReconciliationReport.Drift> runs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            runs.add(fx.run(service).drift());
        }

        assertEquals(List.of(5, 5, 2), runs.stream().map(ReconciliationReport.Drift::usersChecked).toList());
        assertEquals(List.of(false, false, true), runs.stream().map(ReconciliationReport.Drift::passComplete).toList());
        Set<String> checked = new HashSet<>();
        for (ReconciliationReport.Drift drift : runs) {
            assertEquals(drift.usersChecked(), drift.drifts().size());
            for (ReconciliationReport.UserDrift d : drift.drifts()) {
                assertTrue(checked.add(d.userId()), d.userId() + " was checked twice in one pass");
                assertEquals(offBy.get(d.userId()), d.drift(), "the drift of " + d.userId());
            }
        }
        assertEquals(offBy.keySet(), checked);
        assertEquals(runs.get(0).until(), runs.get(2).until(), "the three runs walked one pass");
        assertEquals(runs.get(0).from(), runs.get(2).from());

        ReconciliationReport fourth = fx.run(service);
        assertEquals(0, fourth.drift().usersChecked(), "nothing changed since the pass ended");
        assertEquals(runs.get(2).until(), fourth.drift().from(), "the next pass starts where the last one ended");

        String again = offBy.keySet().iterator().next();
        fx.grant(again, 100); // the posting rewrites the balance from its version: the old corruption is gone
        fx.corruptBalance(again, 7, 0);
        ReconciliationReport fifth = fx.run(service);
        assertEquals(1, fifth.drift().usersChecked(), "a user whose balance moved again is checked again");
        assertEquals(List.of(again), fifth.drift().drifts().stream().map(ReconciliationReport.UserDrift::userId).toList());
        assertEquals(7, fifth.drift().drifts().get(0).drift());
    }

    @Test
    void aRunOutOfTimeStopsBeforeItsNextItemAndTheNextRunLosesNothing() {
        Set<String> users = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String user = ReconFixture.newUser();
            fx.grant(user, 100);
            fx.corruptBalance(user, 1, 0);
            users.add(user);
        }
        fx.purchased(ReconFixture.newUser(), "trial");
        ReconciliationService service = fx.service();

        ReconciliationReport late = service.run(Instant.now().minusSeconds(1));

        assertEquals(0, late.drift().usersChecked());
        assertFalse(late.drift().passComplete());
        assertEquals(0, late.completed().checked());
        assertFalse(late.completed().passComplete());
        assertEquals(0, late.dlqDepth(), "the DLQ depth and the report are still produced");

        ReconciliationReport next = fx.run(service);
        assertEquals(late.drift().until(), next.drift().until(), "the open pass is resumed, not replaced");
        assertEquals(4, next.drift().usersChecked());
        assertEquals(users, new HashSet<>(next.drift().drifts().stream().map(ReconciliationReport.UserDrift::userId).toList()));
        assertEquals(1, next.completed().checked());
        assertTrue(next.drift().passComplete());
    }

    @Test
    void theCheckpointRecordsTheWindowAndTheCursorOfAnOpenPass() {
        for (int i = 0; i < 3; i++) {
            fx.grant(ReconFixture.newUser(), 100);
        }
        DynamoReconciliationStore store = new DynamoReconciliationStore(fx.dynamo, fx.table);
        ReconciliationService service = fx.service(ReconFixture.settings().withMaxUsers(2));

        ReconciliationReport first = fx.run(service);
        ReconciliationCheckpoint open = store.checkpoint().orElseThrow();
        assertEquals(first.drift().from(), open.balancesCheckedUntil());
        assertEquals(first.drift().until(), open.balancesPassUntil());
        assertNotNull(open.balancesCursor());

        fx.run(service);
        ReconciliationCheckpoint closed = store.checkpoint().orElseThrow();
        assertEquals(first.drift().until(), closed.balancesCheckedUntil());
        assertNull(closed.balancesPassUntil());
        assertNull(closed.balancesCursor());
        assertTrue(closed.version() > open.version());
    }

    @Test
    void aRunThatFindsTheCheckpointMovedByAnotherRunStopsWithoutMovingIt() {
        fx.grant(ReconFixture.newUser(), 100);
        DynamoReconciliationStore store = new DynamoReconciliationStore(fx.dynamo, fx.table);
        fx.run(fx.service());
        ReconciliationCheckpoint saved = store.checkpoint().orElseThrow();
        // a save that expects an older version is refused
        assertFalse(store.saveCheckpoint(saved.withPendingCursor("PENDING x")));
        assertTrue(store.saveCheckpoint(saved.next(Instant.now())));
        assertFalse(store.saveCheckpoint(saved.next(Instant.now())), "the same version cannot be saved twice");
        assertEquals(saved.version() + 1, store.checkpoint().orElseThrow().version());
    }

    @Test
    void completedOrdersAreWalkedInBoundedRunsEachCheckedOnce() {
        String user = ReconFixture.newUser();
        Set<String> orders = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            var order = fx.purchased(user, "trial");
            orders.add(order.orderId().value());
            fx.deleteEntry(ReconFixture.purchaseEntry(order)); // so each run's findings name the orders it checked
        }
        ReconciliationService service = fx.service(ReconFixture.settings().withMaxCompletedOrders(2));

        List<ReconciliationReport.Completed> runs = List.of(fx.run(service).completed(), fx.run(service).completed(),
                fx.run(service).completed());

        assertEquals(List.of(2, 2, 1), runs.stream().map(ReconciliationReport.Completed::checked).toList());
        assertEquals(List.of(false, false, true), runs.stream().map(ReconciliationReport.Completed::passComplete).toList());
        Set<String> reported = new HashSet<>();
        for (ReconciliationReport.Completed run : runs) {
            assertEquals(run.checked(), run.missingEntries().size());
            run.missingEntries().forEach(m -> assertTrue(reported.add(m.orderId()), m.orderId() + " checked twice"));
        }
        assertEquals(orders, reported);
        assertEquals(0, fx.run(service).completed().checked(), "the pass is over");
    }
}
