package dev.prepaid.port.out;

import dev.prepaid.domain.UserId;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.topup.AutoTopup;
import java.util.List;
import java.util.Optional;

/**
 * Auto top-up settings, one item per user. Writes are compare-and-set on {@link AutoTopup#version()}: a write
 * whose {@code expected} version is no longer the stored one changes nothing and answers false.
 */
public interface AutoTopupStore {

    Optional<AutoTopup> find(UserId user);

    /**
     * Writes the opt-in (version {@code expected + 1}; {@code expected} 0: no item yet) and, in the same
     * transaction, makes its threshold the user's low-credits threshold on the balance, so the posting that
     * crosses it produces the {@code credits.low} event that triggers the top-up.
     */
    boolean saveOptIn(AutoTopup settings, long expected);

    /** Removes the opt-in and the balance's threshold it set; false when there was none. */
    boolean delete(UserId user);

    /**
     * Replaces the settings (version {@code expected + 1}) and puts {@code events} as outbox items in the same
     * transaction (under {@code attribute_not_exists}).
     */
    boolean replace(AutoTopup next, long expected, List<AppEvent> events);
}
