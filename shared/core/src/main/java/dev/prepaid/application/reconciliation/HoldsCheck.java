package dev.prepaid.application.reconciliation;

import dev.prepaid.domain.Hold;
import dev.prepaid.domain.HoldMovedException;
import dev.prepaid.domain.HoldStatus;
import dev.prepaid.domain.UserId;
import dev.prepaid.port.out.LedgerStore;
import dev.prepaid.port.out.ReconciliationReport;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * (f) Holds: expires every hold past its time (each exactly once: the hold's {@code status = active} condition,
 * shared with capture, release and the lazy expiry of the user's next write), then, for the users this run
 * checked and the users of the expired holds, compares the balance's {@code held} with the sum of the user's
 * active holds. The list of active holds is an index (GSI2) that follows a transition by a moment, so a mismatch
 * is read twice before it is reported. Runs in every run: an expired hold must not wait for the checkpoint.
 */
final class HoldsCheck implements ReconciliationCheck {
    private final LedgerStore ledger;
    private final int maxUsers;

    HoldsCheck(LedgerStore ledger, int maxUsers) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.maxUsers = maxUsers;
    }

    @Override
    public String name() {
        return "holds";
    }

    @Override
    public Phase phase() {
        return Phase.SUMMARY;
    }

    @Override
    public void run(ReconciliationRun run) {
        Set<UserId> users = new LinkedHashSet<>(run.found.keySet());
        users.addAll(run.whole);
        List<Hold> dueHolds;
        try {
            dueHolds = ledger.dueHolds(run.startedAt, maxUsers);
        } catch (UnsupportedOperationException noHolds) {
            return; // a store that keeps no holds (the in-memory test stores)
        }
        int expired = 0;
        for (Hold due : dueHolds) {
            if (run.outOfTime()) {
                break;
            }
            try {
                ledger.endHold(due, HoldStatus.EXPIRED, run.startedAt);
                expired++;
            } catch (HoldMovedException alreadyMoved) {
                // captured, released or expired meanwhile: exactly one of them counted
            }
            users.add(due.userId());
        }
        List<ReconciliationReport.HeldDrift> drifts = new ArrayList<>();
        int checked = 0;
        for (UserId user : users) {
            if (run.outOfTime() || checked >= maxUsers) {
                break;
            }
            checked++;
            ReconciliationReport.HeldDrift d = heldDrift(user);
            if (d != null) {
                d = heldDrift(user); // the index may have lagged a transition: look again
            }
            if (d != null) {
                drifts.add(d);
            }
        }
        run.holds = new ReconciliationReport.Holds(expired, checked, drifts);
    }

    private ReconciliationReport.HeldDrift heldDrift(UserId user) {
        long held = ledger.balance(user).map(b -> b.held().hundredths()).orElse(0L);
        List<Hold> active = ledger.activeHolds(user, 10_000);
        long sum = active.stream().mapToLong(h -> h.amount().hundredths()).sum();
        return held == sum ? null : new ReconciliationReport.HeldDrift(user.value(), held, sum, active.size());
    }
}
