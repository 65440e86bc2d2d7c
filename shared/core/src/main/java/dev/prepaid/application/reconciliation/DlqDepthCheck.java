package dev.prepaid.application.reconciliation;

import dev.prepaid.port.out.DeadLetterQueue;
import java.util.Objects;

/** (e) The fulfilment DLQ's depth (-1 when it cannot be read). */
final class DlqDepthCheck implements ReconciliationCheck {
    private final DeadLetterQueue dlq;

    DlqDepthCheck(DeadLetterQueue dlq) {
        this.dlq = Objects.requireNonNull(dlq, "dlq");
    }

    @Override
    public String name() {
        return "dlq";
    }

    @Override
    public Phase phase() {
        return Phase.SUMMARY;
    }

    @Override
    public void run(ReconciliationRun run) {
        try {
            run.dlqDepth = dlq.depth();
        } catch (RuntimeException e) {
            run.error("dlq", null, e);
        }
    }
}
