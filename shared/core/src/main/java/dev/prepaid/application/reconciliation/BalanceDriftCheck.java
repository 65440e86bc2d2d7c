package dev.prepaid.application.reconciliation;

import dev.prepaid.domain.UserId;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * (d) Walks the users whose balance changed since the last run and checks each one's balance against their
 * ledger ({@link LedgerChainCheck}, which also checks (c) their purchase entries). A user with an open drift
 * item is summed in full: their ledger-sum checkpoint may predate the damage.
 */
final class BalanceDriftCheck implements ReconciliationCheck {
    private final ReconciliationStore store;
    private final LedgerChainCheck users;
    private final int maxUsers;

    BalanceDriftCheck(ReconciliationStore store, LedgerChainCheck users, int maxUsers) {
        this.store = Objects.requireNonNull(store, "store");
        this.users = Objects.requireNonNull(users, "users");
        this.maxUsers = maxUsers;
    }

    @Override
    public String name() {
        return "drift";
    }

    @Override
    public Phase phase() {
        return Phase.WALK;
    }

    @Override
    public void run(ReconciliationRun run) {
        Instant from = run.checkpoint.balancesCheckedUntil();
        boolean resuming = run.checkpoint.balancesPassUntil() != null;
        Instant until = resuming ? run.checkpoint.balancesPassUntil() : ReconciliationRun.later(run.horizon, from);
        String cursor = resuming ? run.checkpoint.balancesCursor() : null;
        ReconciliationStore.Page<ReconciliationStore.ChangedBalance> page =
                store.changedBalances(from, until, cursor, maxUsers);
        List<ReconciliationReport.UserDrift> drifts = new ArrayList<>();
        Set<UserId> seen = new HashSet<>();
        Set<String> openDriftUsers = page.items().isEmpty() ? null : openDriftUsers(run);
        String next = page.cursor();
        boolean complete = page.complete();
        for (ReconciliationStore.Positioned<ReconciliationStore.ChangedBalance> positioned : page.items()) {
            if (run.outOfTime()) {
                next = cursor;
                complete = false;
                break;
            }
            cursor = positioned.cursor();
            UserId user = positioned.item().userId();
            if (!seen.add(user)) {
                continue;
            }
            try {
                users.check(run, user, openDriftUsers == null || openDriftUsers.contains(user.value())).ifPresent(d -> {
                    drifts.add(d);
                    run.found.put(user, d);
                });
            } catch (RuntimeException e) {
                run.error("drift", user.value(), e);
            }
        }
        run.drift = new ReconciliationReport.Drift(from, until, complete, seen.size(), drifts);
        run.checkpoint = complete ? run.checkpoint.withBalances(until, null, null)
                : run.checkpoint.withBalances(from, until, next);
    }

    /** The users with an open drift item, or null when unknown (then every check is a full sum). */
    private Set<String> openDriftUsers(ReconciliationRun run) {
        try {
            List<ReconciliationReport.OpenDrift> items = store.openDrifts(DriftItemsCheck.MAX_OPEN_DRIFTS);
            if (items.size() >= DriftItemsCheck.MAX_OPEN_DRIFTS) {
                return null; // not all of them
            }
            Set<String> users = new HashSet<>();
            for (ReconciliationReport.OpenDrift item : items) {
                users.add(item.userId());
            }
            return users;
        } catch (RuntimeException e) {
            run.error("drift_items", null, e);
            return null;
        }
    }
}
