package dev.prepaid.application.reconciliation;

import dev.prepaid.domain.DomainException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.PaymentMismatch;
import dev.prepaid.port.out.ReconciliationCheckpoint;
import dev.prepaid.port.out.ReconciliationReport;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one run, shared by its checks: the checkpoint as advanced so far, the report parts each check
 * fills in, and the errors. Not thread-safe: a run is one thread.
 */
final class ReconciliationRun {

    final Instant deadline;
    final Instant startedAt;
    /** Changes younger than the settle lag wait for the next run: the walks stop at this instant. */
    final Instant horizon;
    final List<ReconciliationReport.RunError> errors = new ArrayList<>();
    ReconciliationCheckpoint checkpoint;
    /** Another run holds the checkpoint (or it could not be read): no more walks. */
    boolean stopped;

    ReconciliationReport.Pending pending =
            new ReconciliationReport.Pending(0, 0, 0, 0, 0, 0, List.of(), List.of(), false);
    ReconciliationReport.Completed completed;
    ReconciliationReport.Drift drift;
    final List<ReconciliationReport.OrphanEntry> orphans = new ArrayList<>();
    /** Users checked in this run: drifted, or found whole (balance = sum of the ledger, version = last seq). */
    final Map<UserId, ReconciliationReport.UserDrift> found = new LinkedHashMap<>();
    final Set<UserId> whole = new HashSet<>();
    /** The drift items open after this run, or null when the drift items were not checked. */
    List<ReconciliationReport.OpenDrift> openDrifts;
    int completedSeen;
    int dlqDepth = -1;
    ReconciliationReport.SuccessRate successRate;
    List<PaymentMismatch> mismatches = List.of();
    ReconciliationReport.Holds holds = ReconciliationReport.Holds.NONE;

    private final Clock clock;

    ReconciliationRun(Instant deadline, Clock clock, ReconciliationService.Settings settings) {
        this.clock = clock;
        this.deadline = deadline;
        this.startedAt = clock.instant();
        this.horizon = startedAt.minus(settings.settleLag());
    }

    /** Starts from {@code checkpoint}: the walks' report parts begin empty where it stands. */
    void start(ReconciliationCheckpoint from) {
        checkpoint = from;
        completed = new ReconciliationReport.Completed(from.ordersCheckedUntil(), from.ordersCheckedUntil(),
                false, 0, List.of());
        drift = new ReconciliationReport.Drift(from.balancesCheckedUntil(), from.balancesCheckedUntil(),
                false, 0, List.of());
    }

    Instant now() {
        return clock.instant();
    }

    boolean outOfTime() {
        return deadline != null && !clock.instant().isBefore(deadline);
    }

    /** Records a failure checking {@code subject} (an order, a user, an entry, or null) in {@code step}. */
    void error(String step, String subject, RuntimeException e) {
        String code = e instanceof DomainException domain ? domain.code() : "unexpected_error";
        String message = e instanceof DomainException ? e.getMessage() : e.getClass().getSimpleName();
        errors.add(new ReconciliationReport.RunError(step, subject, code, message));
    }

    void error(String step, String subject, String code, String message) {
        errors.add(new ReconciliationReport.RunError(step, subject, code, message));
    }

    /** The report of the run as it stands. */
    ReconciliationReport report() {
        List<ReconciliationReport.OpenDrift> open = openDrifts != null ? openDrifts
                : found.values().stream().map(d -> ReconciliationReport.OpenDrift.of(d, startedAt, startedAt)).toList();
        return new ReconciliationReport(startedAt, clock.instant(), pending, completed, orphans, drift, dlqDepth,
                successRate, errors, open, mismatches, holds);
    }

    static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
