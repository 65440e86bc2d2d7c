package dev.prepaid.application.reconciliation;

import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * (f) Paid / (paid + expired + failed) over the orders closed in the window before the run, whoever closed
 * them: the webhook and the browser callback close most orders, not this run. When the count cannot be read,
 * the rate of what this run saw stands in.
 */
final class SuccessRateCheck implements ReconciliationCheck {
    private final ReconciliationStore store;
    private final Duration window;
    private final Clock clock;

    SuccessRateCheck(ReconciliationStore store, Duration window, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.window = Objects.requireNonNull(window, "window");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "success_rate";
    }

    @Override
    public Phase phase() {
        return Phase.SUMMARY;
    }

    @Override
    public void run(ReconciliationRun run) {
        try {
            Instant end = clock.instant(); // including what this run closed
            ReconciliationStore.OrderOutcomes outcomes = store.orderOutcomes(end.minus(window), end);
            if (!outcomes.complete()) {
                run.error("success_rate", null, "partial_count", "the success rate counted part of its window");
            }
            run.successRate = ReconciliationReport.SuccessRate.of(outcomes.completed(), outcomes.failed(),
                    outcomes.expired());
        } catch (RuntimeException e) {
            run.error("success_rate", null, e);
            run.successRate = ReconciliationReport.SuccessRate.of(run.completedSeen, run.pending.failed(),
                    run.pending.expired());
        }
    }
}
