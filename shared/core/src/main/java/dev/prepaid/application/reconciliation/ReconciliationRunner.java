package dev.prepaid.application.reconciliation;

import dev.prepaid.port.out.ReconciliationCheckpoint;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Runs the checks of one reconciliation run in order, keeps the checkpoint and saves the report.
 *
 * <p>The checkpoint is read first (when it cannot be read, the run does no walk); after each
 * {@link ReconciliationCheck.Phase#WALK walk} the checkpoint it advanced is saved, conditionally on its
 * version, so two overlapping runs never both advance a walk: the one refused stops, without moving it.
 * A walk that fails leaves its part of the checkpoint as it was. The summaries (DLQ depth, success rate)
 * and the report are produced whatever happened before.
 */
final class ReconciliationRunner {

    /** Another run saved the checkpoint first: this one stops without moving it. */
    private static final class CheckpointConflict extends RuntimeException {
        CheckpointConflict() {
            super("another reconciliation run moved the checkpoint", null, false, false);
        }
    }

    private final ReconciliationStore store;
    private final List<ReconciliationCheck> checks;
    private final ReconciliationService.Settings settings;
    private final Clock clock;

    ReconciliationRunner(ReconciliationStore store, List<ReconciliationCheck> checks,
                         ReconciliationService.Settings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.checks = List.copyOf(checks);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    ReconciliationReport run(Instant deadline) {
        ReconciliationRun run = new ReconciliationRun(deadline, clock, settings);
        ReconciliationCheckpoint from;
        try {
            from = store.checkpoint()
                    .orElseGet(() -> ReconciliationCheckpoint.initial(run.startedAt.minus(settings.initialLookback())));
        } catch (RuntimeException e) {
            run.error("checkpoint", null, e);
            run.stopped = true;
            from = ReconciliationCheckpoint.initial(run.startedAt);
        }
        run.start(from);
        for (ReconciliationCheck.Phase phase : List.of(ReconciliationCheck.Phase.WALK,
                ReconciliationCheck.Phase.FOLLOW_UP, ReconciliationCheck.Phase.SUMMARY)) {
            for (ReconciliationCheck check : checks) {
                if (check.phase() == phase) {
                    runCheck(run, check);
                }
            }
        }
        ReconciliationReport report = assemble(run);
        try {
            store.saveReport(report);
        } catch (RuntimeException e) {
            run.error("report", null, e);
            report = assemble(run);
        }
        return report;
    }

    private void runCheck(ReconciliationRun run, ReconciliationCheck check) {
        switch (check.phase()) {
            case WALK -> walk(run, check);
            case FOLLOW_UP -> {
                if (!run.stopped) {
                    guarded(run, check);
                }
            }
            case SUMMARY, REPORT -> guarded(run, check);
        }
    }

    /** Runs one walk and saves the checkpoint it advanced; a failed walk leaves its part of the checkpoint. */
    private void walk(ReconciliationRun run, ReconciliationCheck check) {
        if (run.stopped) {
            return;
        }
        ReconciliationCheckpoint before = run.checkpoint;
        try {
            check.run(run);
            ReconciliationCheckpoint next = run.checkpoint.next(clock.instant());
            if (!store.saveCheckpoint(next)) {
                throw new CheckpointConflict();
            }
            run.checkpoint = next;
        } catch (CheckpointConflict e) {
            run.error("checkpoint", null, "checkpoint_conflict", e.getMessage());
            run.stopped = true;
        } catch (RuntimeException e) {
            run.error(check.name(), null, e);
            run.checkpoint = before;
        }
    }

    /** The non-walk checks record their own errors; one that throws anyway never aborts the run. */
    private static void guarded(ReconciliationRun run, ReconciliationCheck check) {
        try {
            check.run(run);
        } catch (RuntimeException e) {
            run.error(check.name(), null, e);
        }
    }

    private ReconciliationReport assemble(ReconciliationRun run) {
        for (ReconciliationCheck check : checks) {
            if (check.phase() == ReconciliationCheck.Phase.REPORT) {
                runCheck(run, check);
            }
        }
        return run.report();
    }
}
