package dev.prepaid.application.reconciliation;

/**
 * One check of a reconciliation run. The {@link ReconciliationRunner} runs the checks in order, each against
 * the run's shared state ({@link ReconciliationRun}): the report parts, the errors and the checkpoint.
 */
interface ReconciliationCheck {

    /** When a check runs, and what the runner does around it. */
    enum Phase {
        /**
         * A bounded walk that advances the checkpoint: skipped once the run has stopped; the checkpoint is
         * saved after it (a save refused because another run moved it stops the run); a check that throws
         * is reported under its {@link #name()} and its part of the checkpoint is left as it was.
         */
        WALK,
        /** Runs after the walks unless the run has stopped; records its own errors. */
        FOLLOW_UP,
        /** Runs in every run, stopped or not (the figures the alarms read); records its own errors. */
        SUMMARY,
        /** Runs each time the report is assembled (again when saving it failed); records its own errors. */
        REPORT
    }

    /** The step name its errors are reported under. */
    String name();

    Phase phase();

    void run(ReconciliationRun run);
}
