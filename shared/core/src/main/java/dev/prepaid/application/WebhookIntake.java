package dev.prepaid.application;

import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.payment.EventInFlightException;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.port.out.EventQueue;
import dev.prepaid.port.out.PaymentProvider;
import dev.prepaid.port.out.WebhookInbox;
import java.util.List;
import java.util.Map;

/**
 * The webhook's whole job, kept fast and durable: verify the signature on the raw body, claim the event
 * id, put the events on the fulfilment queue, mark the claim accepted. Slow work happens in the consumer.
 * If the queue refuses, the claim is released and the caller answers 5xx so the provider retries. A
 * delivery that finds the event already accepted is a duplicate (acknowledged); one that finds another
 * delivery's unexpired lease gets {@link EventInFlightException} (not acknowledged: the provider retries,
 * and once the lease lapses the retry takes the claim over).
 */
public final class WebhookIntake {

    public record Received(String eventId, int queued, boolean duplicate, List<String> ignoredTypes) {
    }

    private final Map<String, PaymentProvider> providers;
    private final WebhookInbox inbox;
    private final EventQueue queue;

    public WebhookIntake(Map<String, PaymentProvider> providers, WebhookInbox inbox, EventQueue queue) {
        this.providers = providers;
        this.inbox = inbox;
        this.queue = queue;
    }

    public Received receive(String providerName, Map<String, String> headers, byte[] rawBody) {
        PaymentProvider provider = providers.get(providerName);
        if (provider == null) {
            throw new NotFoundException("unknown_provider", "no webhook for that provider here");
        }
        List<PaymentEvent> events = provider.parseWebhook(headers, rawBody);
        List<PaymentEvent> actionable = events.stream().filter(e -> !(e instanceof PaymentEvent.Ignored)).toList();
        List<String> ignored = events.stream().filter(e -> e instanceof PaymentEvent.Ignored).map(PaymentEvent::type).toList();
        String eventId = events.isEmpty() ? null : events.get(0).eventId();
        if (actionable.isEmpty()) {
            return new Received(eventId, 0, false, ignored);
        }
        WebhookInbox.Claim claim;
        try {
            claim = inbox.claim(providerName, eventId, actionable.get(0).type());
        } catch (RuntimeException e) {
            // The claim may have been written although its answer was lost (a reset connection, a timeout):
            // left in place it would make the provider's retry wait for a lease nobody will complete.
            release(providerName, eventId, e);
            throw e;
        }
        switch (claim.state()) {
            case ACCEPTED:
                return new Received(eventId, 0, true, ignored);
            case IN_FLIGHT:
                // Another delivery holds the lease and has not queued the event: it may never do so (its
                // process may have died). Acknowledging this one would make the provider stop retrying.
                throw new EventInFlightException(eventId, claim.retryAfter().toSeconds());
            case CLAIMED:
            default:
                break;
        }
        try {
            for (PaymentEvent event : actionable) {
                queue.enqueue(event);
            }
        } catch (RuntimeException e) {
            release(providerName, eventId, e);
            throw e;
        }
        inbox.accepted(providerName, eventId);
        return new Received(eventId, actionable.size(), false, ignored);
    }

    /** Gives the claim back so the provider's retry goes through; if that fails too, the lease lapses by itself. */
    private void release(String providerName, String eventId, RuntimeException cause) {
        try {
            inbox.release(providerName, eventId);
        } catch (RuntimeException releaseFailed) {
            cause.addSuppressed(releaseFailed);
        }
    }
}
