package dev.prepaid.function.fulfilment;

import dev.prepaid.wiring.FulfilmentWiring;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.out.metrics.MetricsPublisher;
import dev.prepaid.adapter.out.sqs.PaymentEventJson;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.PaymentNotCreditedException;
import dev.prepaid.domain.payment.RetryLaterException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fulfilment queue's consumer. Each message is one verified payment event; each is handled on its own
 * and reported back individually ({@code ReportBatchItemFailures}), so one event waiting for its
 * precondition does not hold back, or replay, the others. After 5 receives a message goes to the DLQ.
 */
public final class FulfilmentHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(FulfilmentHandler.class);

    /**
     * A refund or dispute of a payment we never credited is retried until its message's receive count reaches
     * this, then acknowledged as foreign (ForeignPaymentIgnored). The queue's visibility timeout (180 s) gives
     * the purchase's own event about 6 minutes to land first; the DLQ takes a message only after 5 receives.
     */
    static final int FOREIGN_AFTER_RECEIVES = 3;
    static final String FOREIGN_PAYMENT_IGNORED = "ForeignPaymentIgnored";

    private final FulfilmentService fulfilment;
    private final MetricsPublisher metrics;

    public FulfilmentHandler() {
        this(Env.system());
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static FulfilmentHandler fromEnv(Env env) {
        return new FulfilmentHandler(env);
    }

    private FulfilmentHandler(Env env) {
        this(FulfilmentWiring.services(env), MetricsPublisher.fromEnvironment(env));
    }

    /** @param metrics where the EMF lines of rejected or ignored events go (stdout in Lambda) */
    public FulfilmentHandler(FulfilmentService fulfilment, MetricsPublisher metrics) {
        this.fulfilment = fulfilment;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            boolean ok = Logs.withCorrelationId(context, message.getMessageId(), () -> handle(message));
            if (!ok) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static int receiveCount(String receives) {
        try {
            return Integer.parseInt(receives);
        } catch (NumberFormatException e) {
            return 0; // unknown: keep retrying, the DLQ is the bound
        }
    }

    private void count(String metric, PaymentEvent event) {
        try {
            emf(metrics, metric, event.provider(), Instant.now());
        } catch (RuntimeException e) {
            LOG.warn("could not write the {} metric: {}", metric, e.getClass().getSimpleName());
        }
    }

    /** One event counted as a CloudWatch Embedded Metric Format line (dimension Service). */
    static void emf(MetricsPublisher metrics, String metric, String provider, Instant at) {
        metrics.publish(at, line -> line.metric(metric, 1, MetricsPublisher.Unit.COUNT)
                .property("Provider", provider)); // a property: searchable, not a dimension
    }

    private boolean handle(SQSEvent.SQSMessage message) {
        PaymentEvent event;
        try {
            event = PaymentEventJson.read(message.getBody());
        } catch (RuntimeException e) {
            // A message we cannot read will never succeed: fail it so it reaches the DLQ for a person.
            LOG.error("unreadable fulfilment message {}: {}", message.getMessageId(), e.getClass().getSimpleName());
            return false;
        }
        String receives = message.getAttributes() == null ? "?" : message.getAttributes().getOrDefault("ApproximateReceiveCount", "?");
        try {
            FulfilmentService.Outcome outcome = fulfilment.handle(event);
            if (outcome.kind() == FulfilmentService.Outcome.Kind.REJECTED) {
                // acknowledged: a redelivery cannot make it match; the metric's alarm calls a person
                LOG.warn("{} {} {} -> REJECTED ({})", event.provider(), event.type(), event.eventId(), outcome.detail());
            } else {
                LOG.info("{} {} {} -> {} ({})", event.provider(), event.type(), event.eventId(), outcome.kind(), outcome.detail());
            }
            if (outcome.metric() != null) {
                count(outcome.metric(), event);
            }
            return true;
        } catch (PaymentNotCreditedException e) {
            int receive = receiveCount(receives);
            if (receive >= FOREIGN_AFTER_RECEIVES) {
                // Still nothing to take back after the purchase had its chance: a payment that is not ours.
                LOG.info("{} {} {} -> IGNORED as foreign after {} receives: {}", event.provider(), event.type(),
                        event.eventId(), receive, e.getMessage());
                count(FOREIGN_PAYMENT_IGNORED, event);
                return true;
            }
            LOG.warn("{} {} {} waits (receive {}): {}", event.provider(), event.type(), event.eventId(), receives, e.getMessage());
            return false;
        } catch (RetryLaterException e) {
            LOG.warn("{} {} {} waits (receive {}): {}", event.provider(), event.type(), event.eventId(), receives, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("{} {} {} failed (receive {})", event.provider(), event.type(), event.eventId(), receives, e);
            return false;
        }
    }
}
