package dev.prepaid.function.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoReconciliationStore;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.port.out.ReconciliationReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Drift is state: found once, it stays open (and CreditDrift stays up) run after run, although the user's
 * balance does not move again, until the balance agrees with its ledger again.
 */
class DriftItemsTest {
    private final ReconFixture fx = new ReconFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private int creditDriftMetric(ReconciliationReport report) throws Exception {
        JsonNode line = Json.MAPPER.readTree(ReconciliationHandler.emf(report, Instant.now()));
        return line.path("CreditDrift").asInt();
    }

    @Test
    void aDriftStaysOpenUntilFixedAndIsThenResolvedByTheRecheck() throws Exception {
        String user = ReconFixture.newUser();
        String healthy = ReconFixture.newUser();
        fx.grant(user, 1000);
        fx.grant(healthy, 500);
        fx.corruptBalance(user, 250, 0);
        ReconciliationService service = fx.service();

        ReconciliationReport first = fx.run(service);

        assertEquals(1, first.drift().driftedUsers());
        assertEquals(1, first.openDrifts().size());
        ReconciliationReport.OpenDrift opened = first.openDrifts().get(0);
        assertEquals(user, opened.userId());
        assertEquals(250, opened.drift());
        assertEquals(1250, opened.balance());
        assertEquals(1000, opened.ledgerSum());
        assertEquals(opened.firstSeen(), opened.lastChecked());
        assertEquals(1, creditDriftMetric(first));

        // Nothing moves the balance: the changed-balance walk does not see the user again, the item does.
        ReconciliationReport second = fx.run(service);

        assertEquals(0, second.drift().usersChecked(), "no balance changed since the first run");
        assertEquals(List.of(), second.drift().drifts());
        assertEquals(1, second.openDrifts().size(), "still open");
        ReconciliationReport.OpenDrift still = second.openDrifts().get(0);
        assertEquals(opened.firstSeen(), still.firstSeen(), "first seen is kept");
        assertTrue(still.lastChecked().isAfter(opened.lastChecked()), "checked again");
        assertEquals(1, creditDriftMetric(second), "the alarm stays red");
        assertEquals(1, service.openDrifts().size());

        // The data is corrected (as a restore would), again without moving the changed-balance index.
        fx.corruptBalance(user, -250, 0);
        ReconciliationReport third = fx.run(service);

        assertEquals(List.of(), third.openDrifts());
        assertEquals(0, creditDriftMetric(third));
        assertEquals(List.of(), service.openDrifts(), "the item is gone from the table");
        assertEquals(List.of(), third.errors());
    }

    @Test
    void aDriftWhoseUserIsCheckedWholeByTheChangedBalanceWalkIsResolved() throws Exception {
        String user = ReconFixture.newUser();
        fx.grant(user, 1000);
        fx.corruptBalance(user, -300, 0);
        ReconciliationService service = fx.service();
        assertEquals(1, fx.run(service).openDrifts().size());

        fx.corruptBalance(user, 300, 0); // fixed
        fx.grant(user, 100);              // and the balance moves: the walk checks the user

        ReconciliationReport report = fx.run(service);

        assertEquals(1, report.drift().usersChecked());
        assertEquals(List.of(), report.openDrifts());
        assertEquals(0, creditDriftMetric(report));
    }

    @Test
    void aGrantDoesNotFixDriftBecauseItMovesBalanceAndLedgerTogether() throws Exception {
        String user = ReconFixture.newUser();
        fx.grant(user, 1000);
        // a version bump too, so the grant below re-reads the damaged balance instead of its cached version
        fx.corruptBalance(user, -300, 1);
        ReconciliationService service = fx.service();
        fx.run(service);

        fx.grant(user, 300); // the "fix" the old runbook suggested

        ReconciliationReport report = fx.run(service);

        assertEquals(1, report.openDrifts().size(), "balance - ledger is still -3.00");
        assertEquals(-300, report.openDrifts().get(0).drift());
        assertEquals(1, creditDriftMetric(report));
    }

    @Test
    void openItemsAreStoredPerUserAndSurviveInTheLatestReport() {
        String a = ReconFixture.newUser();
        String b = ReconFixture.newUser();
        fx.grant(a, 100);
        fx.grant(b, 100);
        fx.corruptBalance(a, 1, 0);
        fx.corruptBalance(b, 2, 0);

        fx.run(fx.service());

        DynamoReconciliationStore store = new DynamoReconciliationStore(fx.dynamo, fx.table);
        assertEquals(List.of(a, b).stream().sorted().toList(),
                store.openDrifts(10).stream().map(ReconciliationReport.OpenDrift::userId).sorted().toList());
        assertEquals(1, store.openDrifts(1).size(), "bounded");
        assertEquals(2, fx.service().latestReport().orElseThrow().openDrifts().size());
    }
}
