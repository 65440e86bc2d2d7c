package dev.prepaid.application.reconciliation;

import dev.prepaid.port.out.ReconciliationStore;
import java.util.List;
import java.util.Objects;

/** The payment events fulfilment refused in the last ~90 days, newest first, listed in the report. */
final class PaymentMismatchesCheck implements ReconciliationCheck {
    static final int MAX_MISMATCHES = 100;

    private final ReconciliationStore store;

    PaymentMismatchesCheck(ReconciliationStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public String name() {
        return "mismatches";
    }

    @Override
    public Phase phase() {
        return Phase.REPORT;
    }

    @Override
    public void run(ReconciliationRun run) {
        run.mismatches = List.of();
        try {
            run.mismatches = store.paymentMismatches(MAX_MISMATCHES);
        } catch (RuntimeException e) {
            run.error("mismatches", null, e);
        }
    }
}
