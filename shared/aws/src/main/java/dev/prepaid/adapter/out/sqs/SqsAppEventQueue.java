package dev.prepaid.adapter.out.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.port.out.AppEventNotifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The app-events queue ({@code AppEventsQueue}): one message per outbox event, {@code {"eventId": ...}} (and, for an
 * operator's redelivery, {@code "since"}: epoch milliseconds; endpoints delivered before it get the event again).
 * The delivery function reads the event itself from the outbox, so a message carries no payload and no secret.
 */
public final class SqsAppEventQueue implements AppEventNotifier {
    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    /** @param sqs built on first use: a function whose postings rarely produce events never builds the client */
    public SqsAppEventQueue(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** A decoded message. {@code since} null: deliver to the endpoints not yet delivered to. */
    public record Message(String eventId, Instant since) {
    }

    @Override
    public void committed(List<AppEvent> events) {
        enqueue(events.stream().map(AppEvent::id).toList());
    }

    /** Sends one message per event id (batches of 10); throws when SQS refused any. */
    public void enqueue(List<String> eventIds) {
        for (int from = 0; from < eventIds.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            List<String> batch = eventIds.subList(from, Math.min(eventIds.size(), from + 10));
            for (int i = 0; i < batch.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(write(new Message(batch.get(i), null))).build());
            }
            List<BatchResultErrorEntry> failed = sqs.get()
                    .sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed();
            if (failed != null && !failed.isEmpty()) {
                throw new IllegalStateException("SQS refused " + failed.size() + " app event message(s): "
                        + failed.get(0).code());
            }
        }
    }

    /** An operator's redelivery: every subscribed endpoint gets the event again, even one that had it. */
    public void redeliver(String eventId, Instant since) {
        sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(write(new Message(eventId, since))));
    }

    public static String write(Message message) {
        ObjectNode node = Json.object();
        node.put("eventId", message.eventId());
        if (message.since() != null) {
            node.put("since", message.since().toEpochMilli());
        }
        return node.toString();
    }

    /** The message, or null when the body is not one (a stray message is dropped, not retried for 3 days). */
    public static Message read(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            JsonNode id = node == null ? null : node.get("eventId");
            if (id == null || !id.isTextual() || !id.asText().matches("evt_[0-9a-f]{32}")) {
                return null;
            }
            JsonNode since = node.get("since");
            return new Message(id.asText(), since != null && since.canConvertToLong()
                    ? Instant.ofEpochMilli(since.asLong()) : null);
        } catch (Exception e) {
            return null;
        }
    }
}
