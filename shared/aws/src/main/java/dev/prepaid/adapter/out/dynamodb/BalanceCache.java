package dev.prepaid.adapter.out.dynamodb;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.UserId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last balance this instance saw committed, per user: a guess, never a source of truth. A write
 * conditioned on the guessed version either commits (the guess was right: one round trip) or fails and
 * hands back the current item, so a stale guess costs one more attempt and never a wrong balance.
 */
final class BalanceCache {
    private final Map<UserId, Balance> entries;

    BalanceCache(int capacity) {
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UserId, Balance> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Balance get(UserId userId) {
        return entries.get(userId);
    }

    /** Keeps the newest version seen; concurrent writers may report out of order. */
    synchronized void remember(Balance balance) {
        Balance known = entries.get(balance.userId());
        if (known == null || known.sequence() <= balance.sequence()) { // same version: a newer held total
            entries.put(balance.userId(), balance);
        }
    }

    synchronized void forget(UserId userId) {
        entries.remove(userId);
    }
}
