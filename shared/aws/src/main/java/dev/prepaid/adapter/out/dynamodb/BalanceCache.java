package dev.prepaid.adapter.out.dynamodb;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.UserId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last balance this instance saw committed, per user: a guess, never a source of truth. A write
 * conditioned on the guessed version either commits (the guess was right: one round trip) or fails and
 * hands back the current item, so a stale guess costs one more attempt and never a wrong balance.
 * Beside the balance it keeps the item's GSI4 "changed in this hour" partition ({@code gsi4pk}) of that
 * version: a posting whose hour bucket is already marked leaves the GSI4 keys alone, and because the
 * posting is conditioned on the same version, the marker it relied on is the one stored.
 */
final class BalanceCache {
    /** A balance and the GSI4 marker partition its item carried at that version (null: none). */
    record Known(Balance balance, String marker) {
    }

    private final Map<UserId, Known> entries;

    BalanceCache(int capacity) {
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UserId, Known> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Known get(UserId userId) {
        return entries.get(userId);
    }

    /** Keeps the newest version seen; concurrent writers may report out of order. */
    synchronized void remember(Known known) {
        Known current = entries.get(known.balance().userId());
        if (current == null || current.balance().sequence() <= known.balance().sequence()) { // same version: a newer held total
            entries.put(known.balance().userId(), known);
        }
    }

    synchronized void forget(UserId userId) {
        entries.remove(userId);
    }
}
