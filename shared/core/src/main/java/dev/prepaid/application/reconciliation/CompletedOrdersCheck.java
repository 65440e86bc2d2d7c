package dev.prepaid.application.reconciliation;

import dev.prepaid.domain.EntryIds;
import dev.prepaid.domain.EntryType;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.ProductType;
import dev.prepaid.port.out.LedgerStore;
import dev.prepaid.port.out.ReconciliationReport;
import dev.prepaid.port.out.ReconciliationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * (b) Every order completed since the last run has its ledger entry: a credit pack its purchase entry (by the
 * id derived from the order), a subscription's first period a subscription grant naming the order.
 */
final class CompletedOrdersCheck implements ReconciliationCheck {
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final int MAX_GRANTS_PER_USER = 100_000;

    private final LedgerStore ledger;
    private final ReconciliationStore store;
    private final int maxCompletedOrders;

    CompletedOrdersCheck(LedgerStore ledger, ReconciliationStore store, int maxCompletedOrders) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.store = Objects.requireNonNull(store, "store");
        this.maxCompletedOrders = maxCompletedOrders;
    }

    @Override
    public String name() {
        return "completed";
    }

    @Override
    public Phase phase() {
        return Phase.WALK;
    }

    @Override
    public void run(ReconciliationRun run) {
        Instant from = run.checkpoint.ordersCheckedUntil();
        boolean resuming = run.checkpoint.ordersPassUntil() != null;
        Instant until = resuming ? run.checkpoint.ordersPassUntil() : ReconciliationRun.later(run.horizon, from);
        String cursor = resuming ? run.checkpoint.ordersCursor() : null;
        ReconciliationStore.Page<Order> page = store.completedOrders(from, until, cursor, maxCompletedOrders);
        List<ReconciliationReport.MissingEntry> missing = new ArrayList<>();
        Map<UserId, List<LedgerEntry>> grants = new HashMap<>();
        int checked = 0;
        String next = page.cursor();
        boolean complete = page.complete();
        for (ReconciliationStore.Positioned<Order> positioned : page.items()) {
            if (run.outOfTime()) {
                next = cursor;
                complete = false;
                break;
            }
            cursor = positioned.cursor();
            checked++;
            run.completedSeen++;
            Order order = positioned.item();
            try {
                missingEntry(order, grants).ifPresent(missing::add);
            } catch (RuntimeException e) {
                run.error("completed", order.orderId().value(), e);
            }
        }
        run.completed = new ReconciliationReport.Completed(from, until, complete, checked, missing);
        run.checkpoint = complete ? run.checkpoint.withOrders(until, null, null)
                : run.checkpoint.withOrders(from, until, next);
    }

    private Optional<ReconciliationReport.MissingEntry> missingEntry(Order order, Map<UserId, List<LedgerEntry>> grants) {
        String id = order.orderId().value();
        if (order.type() == ProductType.SUBSCRIPTION) {
            List<LedgerEntry> userGrants = grants.computeIfAbsent(order.userId(), user ->
                    ledger.entries(user, EntryType.SUBSCRIPTION_GRANT, EARLIEST, LATEST, MAX_GRANTS_PER_USER));
            boolean found = userGrants.stream().anyMatch(e -> id.equals(e.metadata().get("orderId")));
            return found ? Optional.empty() : Optional.of(new ReconciliationReport.MissingEntry(id,
                    order.userId().value(), order.type().wireName(), "subscription_grant with orderId " + id));
        }
        String entryId = EntryIds.purchase(id);
        boolean found = ledger.entry(entryId).map(e -> e.userId().equals(order.userId())).orElse(false);
        return found ? Optional.empty() : Optional.of(new ReconciliationReport.MissingEntry(id,
                order.userId().value(), order.type().wireName(), entryId));
    }
}
