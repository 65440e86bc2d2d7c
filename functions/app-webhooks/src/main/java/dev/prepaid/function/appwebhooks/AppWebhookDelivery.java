package dev.prepaid.function.appwebhooks;

import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore.Endpoint;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore.EventDeliveries;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.adapter.out.webhooks.EndpointUrls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one outbox event to every endpoint subscribed to its type that has not had it yet (or, for an operator's
 * redelivery, not since the redelivery was asked), each POST signed ({@link WebhookSignature}) and bounded by a
 * 5 s timeout, each attempt recorded. At-least-once: a 2xx marks the endpoint delivered; anything else leaves the
 * message to the queue's retry schedule, and the next receive tries only the endpoints still missing it.
 */
public final class AppWebhookDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(AppWebhookDelivery.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final DynamoAppWebhookStore store;
    private final HttpClient http;
    private final Clock clock;
    private final boolean allowHttpLoopback;
    private final java.util.function.Consumer<DynamoAppWebhookStore.OutboxEvent> autoTopup;

    public enum Result { DELIVERED, RETRY, DROPPED }

    public AppWebhookDelivery(DynamoAppWebhookStore store, Clock clock,
                              boolean allowHttpLoopback) {
        this(store, clock, allowHttpLoopback, null);
    }

    /**
     * @param autoTopup told of every {@code credits.low} event once, before it is marked dispatched (auto top-up's
     *                  trigger, docs/auto-topup.md: AUTO_TOPUP_QUEUE_URL); null: none. A failure leaves the message
     *                  to be retried, so the trigger is as durable as the outbox event.
     */
    public AppWebhookDelivery(DynamoAppWebhookStore store, Clock clock, boolean allowHttpLoopback,
                              java.util.function.Consumer<DynamoAppWebhookStore.OutboxEvent> autoTopup) {
        this.autoTopup = autoTopup;
        this.store = store;
        this.clock = clock;
        this.allowHttpLoopback = allowHttpLoopback;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Result deliver(SqsAppEventQueue.Message message) {
        Optional<EventDeliveries> found = store.event(message.eventId());
        if (found.isEmpty()) {
            LOG.warn("app event {} is not in the outbox; dropped", message.eventId());
            return Result.DROPPED;
        }
        EventDeliveries event = found.get();
        Instant now = clock.instant();
        if (!event.event().dispatched()) {
            if (autoTopup != null && "credits.low".equals(event.event().type())) {
                autoTopup.accept(event.event()); // throws: retried, not marked
            }
            // on the queue's retry schedule from now on: the sweeper leaves it alone
            store.markDispatched(message.eventId(), now);
        }
        boolean failed = false;
        List<Endpoint> endpoints = store.endpoints().stream().filter(e -> e.wants(event.event().type())).toList();
        for (Endpoint endpoint : endpoints) {
            Optional<DynamoAppWebhookStore.Delivery> before = event.delivery(endpoint.id());
            Instant deliveredAt = before.map(DynamoAppWebhookStore.Delivery::deliveredAt).orElse(null);
            if (deliveredAt != null && (message.since() == null || !deliveredAt.isBefore(message.since()))) {
                continue;
            }
            if (!send(event.event(), endpoint)) {
                failed = true;
            }
        }
        return failed ? Result.RETRY : Result.DELIVERED;
    }

    private boolean send(DynamoAppWebhookStore.OutboxEvent event, Endpoint endpoint) {
        Instant at = clock.instant();
        Integer status = null;
        String error = null;
        try {
            URI uri = URI.create(endpoint.url());
            if (!EndpointUrls.deliverable(uri, allowHttpLoopback)) {
                error = "url_not_allowed";
            } else {
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "prepaid-webhooks/1")
                        .header("Prepaid-Event-Id", event.id())
                        .header(WebhookSignature.HEADER,
                                WebhookSignature.header(endpoint.secret(), at.getEpochSecond(), event.body()))
                        .POST(HttpRequest.BodyPublishers.ofString(event.body()))
                        .build();
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            }
        } catch (IOException | RuntimeException e) {
            error = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        boolean delivered = status != null && status >= 200 && status < 300;
        store.recordAttempt(event.id(), endpoint.id(), endpoint.url(), status, error, at, delivered);
        LOG.info("app event {} ({}) to endpoint {}: {}", event.id(), event.type(), endpoint.id(),
                delivered ? "delivered " + status : "failed " + (status != null ? status : error));
        return delivered;
    }
}
