package dev.prepaid.adapter.out.webhooks;

import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox sweeper: enqueues to AppEventsQueue the outbox events that no delivery function has taken, older than
 * a minute (a writer that committed and then died before its enqueue, or a writer without the queue). Each one it
 * enqueues is re-armed {@link #REARM} ahead, so a queue whose consumer is down is not flooded with copies. Runs
 * with every scheduled reconciliation run (ReconciliationHandler).
 */
public final class AppEventSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(AppEventSweeper.class);
    /** An event younger than this is left to its writer's own message. */
    public static final Duration GRACE = Duration.ofMinutes(1);
    /** An event the sweeper enqueued is looked at again after this, if the delivery function has not taken it. */
    public static final Duration REARM = Duration.ofMinutes(15);
    static final int MAX_PER_RUN = 500;

    private final DynamoAppWebhookStore store;
    private final SqsAppEventQueue queue;
    private final Clock clock;

    public AppEventSweeper(DynamoAppWebhookStore store, SqsAppEventQueue queue, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.clock = clock;
    }

    /** Enqueues the outbox events nobody announced (at most 500 per run); returns how many. */
    public int sweep() {
        Instant now = clock.instant();
        int enqueued = 0;
        for (DynamoAppWebhookStore.OutboxEvent event : store.unsent(now.minus(GRACE), MAX_PER_RUN)) {
            queue.enqueue(List.of(event.id()));
            store.rearm(event.id(), now.plus(REARM));
            enqueued++;
        }
        if (enqueued > 0) {
            LOG.info("outbox sweep enqueued {} app event(s) not announced by their writers", enqueued);
        }
        return enqueued;
    }
}
