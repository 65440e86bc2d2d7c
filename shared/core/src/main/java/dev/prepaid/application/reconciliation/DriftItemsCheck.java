package dev.prepaid.application.reconciliation;

import dev.prepaid.domain.UserId;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Drift is state, not an event: the drifts found in this run open (or refresh) their item; every item still
 * open is checked again, whether or not the user's balance moved since, and closed once the balance agrees
 * with its ledger again. What stays open is the {@code CreditDrift} metric, so its alarm stays red until
 * someone fixes the data.
 */
final class DriftItemsCheck implements ReconciliationCheck {
    /** Open drift items rechecked per run (each is a read of the user's ledger). */
    static final int MAX_OPEN_DRIFTS = 1000;

    private final ReconciliationStore store;
    private final LedgerChainCheck users;
    private final Clock clock;

    DriftItemsCheck(ReconciliationStore store, LedgerChainCheck users, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.users = Objects.requireNonNull(users, "users");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "drift_items";
    }

    @Override
    public Phase phase() {
        return Phase.FOLLOW_UP;
    }

    @Override
    public void run(ReconciliationRun run) {
        Instant now = clock.instant();
        Map<String, ReconciliationReport.OpenDrift> open = new TreeMap<>();
        for (ReconciliationReport.UserDrift d : run.found.values()) {
            try {
                open.put(d.userId(), store.saveDrift(d, now));
            } catch (RuntimeException e) {
                run.error("drift_items", d.userId(), e);
                open.put(d.userId(), ReconciliationReport.OpenDrift.of(d, now, now));
            }
        }
        List<ReconciliationReport.OpenDrift> stored;
        try {
            stored = store.openDrifts(MAX_OPEN_DRIFTS);
        } catch (RuntimeException e) {
            run.error("drift_items", null, e);
            run.openDrifts = List.copyOf(open.values());
            return;
        }
        for (ReconciliationReport.OpenDrift item : stored) {
            if (open.containsKey(item.userId())) {
                continue;
            }
            try {
                UserId user = new UserId(item.userId());
                if (!run.whole.contains(user) && !run.outOfTime()) {
                    users.check(run, user, true).ifPresent(d -> open.put(d.userId(), store.saveDrift(d, now)));
                }
                if (run.whole.contains(user)) {
                    store.resolveDrift(item.userId());
                } else {
                    open.putIfAbsent(item.userId(), item); // not checkable now: still open
                }
            } catch (RuntimeException e) {
                run.error("drift_items", item.userId(), e);
                open.putIfAbsent(item.userId(), item);
            }
        }
        run.openDrifts = List.copyOf(open.values());
    }
}
