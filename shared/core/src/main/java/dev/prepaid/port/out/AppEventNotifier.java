package dev.prepaid.port.out;

import dev.prepaid.domain.events.AppEvent;
import java.util.List;

/**
 * Told, after a posting committed, about the app events its transaction wrote as outbox items, so that delivery
 * starts at once. Best effort: the events are already durable; one not announced (the process died between commit
 * and this call, or the call failed) is found by the outbox sweeper. Implementations must not throw.
 */
public interface AppEventNotifier {
    AppEventNotifier NONE = events -> { };

    void committed(List<AppEvent> events);
}
