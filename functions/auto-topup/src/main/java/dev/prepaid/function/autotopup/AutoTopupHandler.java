package dev.prepaid.function.autotopup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.application.AutoTopupService;
import dev.prepaid.domain.UserId;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auto-topup function: consumes AutoTopupQueue, whose messages ({@code {"eventId", "userId"}}) the app-webhooks
 * function sends for every {@code credits.low} outbox event (docs/auto-topup.md). Each is one
 * {@link AutoTopupService#trigger}: at most one off-session charge per crossing, guarded by the user's settings.
 * A provider outage fails the message (partial batch failure): it comes back and resumes the same attempt under
 * the same idempotency key. Credits are not granted here: the payment's webhook goes through fulfilment.
 */
public final class AutoTopupHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(AutoTopupHandler.class);

    private final AutoTopupService service;

    public AutoTopupHandler() {
        this(PaymentWiring.fromEnv(Env.system()).autoTopupService());
    }

    /** Wired from an explicit environment (the local runner passes the template's). */
    public static AutoTopupHandler fromEnv(Env env) {
        return new AutoTopupHandler(PaymentWiring.fromEnv(env).autoTopupService());
    }

    public AutoTopupHandler(AutoTopupService service) {
        this.service = service;
    }

    /** A trigger as the app-webhooks function sends it. */
    public record Trigger(String eventId, String userId) {
    }

    /** The trigger, or null when the body is not one (dropped: retrying cannot make it one). */
    public static Trigger read(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            String eventId = node.path("eventId").asText("");
            String userId = node.path("userId").asText("");
            if (!eventId.matches("evt_[0-9a-f]{32}") || userId.isBlank()) {
                return null;
            }
            new UserId(userId);
            return new Trigger(eventId, userId);
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        }
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            boolean ok = Logs.withCorrelationId(context, message.getMessageId(), () -> handle(message));
            if (!ok) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private boolean handle(SQSEvent.SQSMessage message) {
        Trigger trigger = read(message.getBody());
        if (trigger == null) {
            LOG.error("unreadable auto top-up trigger {}: dropped", message.getMessageId());
            return true;
        }
        try {
            AutoTopupService.Outcome outcome = service.trigger(new UserId(trigger.userId()), trigger.eventId());
            LOG.info("auto top-up trigger {}: {} {}{}", trigger.eventId(), outcome.kind(), outcome.detail(),
                    outcome.orderId() == null ? "" : " order " + outcome.orderId());
            return true;
        } catch (RuntimeException e) {
            LOG.warn("auto top-up trigger {} retried: {}", trigger.eventId(), e.toString());
            return false;
        }
    }
}
