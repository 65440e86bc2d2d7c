package dev.prepaid.port.out;

import java.time.Instant;
import java.util.Objects;

/**
 * Where reconciliation stopped, so that every run is bounded and the next one carries on. One item
 * (pk {@code RECON#STATE}, sk {@code STATE}). Cursors are opaque positions handed out by
 * {@link ReconciliationStore}; null means "from the start" of the current walk.
 *
 * <p>The two time walks work in passes: a pass covers {@code [checkedUntil, passUntil)}; runs advance the
 * cursor through it, and when it is walked to the end {@code checkedUntil} becomes {@code passUntil} and
 * the pass is over. While no pass is open {@code passUntil} is null.
 *
 * @param version               bumped by every save; a save expecting another version is refused (two
 *                              overlapping runs never both advance the walk)
 * @param balancesCheckedUntil  every balance change before this instant has been checked for drift
 * @param balancesPassUntil     the end of the balance pass in progress, or null
 * @param balancesCursor        the position in the changed-balance hour/shard walk of that pass
 * @param ordersCheckedUntil    every order completed before this instant has been checked for its entry
 * @param ordersPassUntil       the end of the completed-order pass in progress, or null
 * @param ordersCursor          the position in the completed-order day walk of that pass
 * @param pendingCursor         the position in the walk over old pending orders (null: the oldest first)
 */
public record ReconciliationCheckpoint(
        long version,
        Instant balancesCheckedUntil,
        Instant balancesPassUntil,
        String balancesCursor,
        Instant ordersCheckedUntil,
        Instant ordersPassUntil,
        String ordersCursor,
        String pendingCursor,
        Instant updatedAt) {

    public ReconciliationCheckpoint {
        Objects.requireNonNull(balancesCheckedUntil, "balancesCheckedUntil");
        Objects.requireNonNull(ordersCheckedUntil, "ordersCheckedUntil");
    }

    /** The state before the first run: both walks start {@code from}. */
    public static ReconciliationCheckpoint initial(Instant from) {
        return new ReconciliationCheckpoint(0, from, null, null, from, null, null, null, null);
    }

    public ReconciliationCheckpoint withBalances(Instant checkedUntil, Instant passUntil, String cursor) {
        return new ReconciliationCheckpoint(version, checkedUntil, passUntil, cursor, ordersCheckedUntil,
                ordersPassUntil, ordersCursor, pendingCursor, updatedAt);
    }

    public ReconciliationCheckpoint withOrders(Instant checkedUntil, Instant passUntil, String cursor) {
        return new ReconciliationCheckpoint(version, balancesCheckedUntil, balancesPassUntil, balancesCursor,
                checkedUntil, passUntil, cursor, pendingCursor, updatedAt);
    }

    public ReconciliationCheckpoint withPendingCursor(String cursor) {
        return new ReconciliationCheckpoint(version, balancesCheckedUntil, balancesPassUntil, balancesCursor,
                ordersCheckedUntil, ordersPassUntil, ordersCursor, cursor, updatedAt);
    }

    /** The next version, as saved at {@code at}. */
    public ReconciliationCheckpoint next(Instant at) {
        return new ReconciliationCheckpoint(version + 1, balancesCheckedUntil, balancesPassUntil, balancesCursor,
                ordersCheckedUntil, ordersPassUntil, ordersCursor, pendingCursor, at);
    }
}
