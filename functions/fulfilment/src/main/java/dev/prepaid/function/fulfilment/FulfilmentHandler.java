package dev.prepaid.function.fulfilment;

import dev.prepaid.wiring.FulfilmentWiring;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.out.sqs.PaymentEventJson;
import dev.prepaid.application.FulfilmentService;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.PaymentNotCreditedException;
import dev.prepaid.domain.payment.RetryLaterException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import java.time.Instant;
import java.util.function.Consumer;
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

    static final String NAMESPACE = "prepaid";
    static final String SERVICE = "prepaid";

    private final FulfilmentService fulfilment;
    private final Consumer<String> metricsOut;

    public FulfilmentHandler() {
        this(FulfilmentWiring.services(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public FulfilmentHandler(Env env) {
        this(FulfilmentWiring.services(env));
    }

    public FulfilmentHandler(FulfilmentService fulfilment) {
        this(fulfilment, System.out::println);
    }

    /** @param metricsOut where the EMF lines of rejected or ignored events go (stdout in Lambda) */
    public FulfilmentHandler(FulfilmentService fulfilment, Consumer<String> metricsOut) {
        this.fulfilment = fulfilment;
        this.metricsOut = metricsOut;
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
            metricsOut.accept(emf(metric, event.provider(), Instant.now()));
        } catch (RuntimeException e) {
            LOG.warn("could not write the {} metric: {}", metric, e.getClass().getSimpleName());
        }
    }

    /** One event counted as a CloudWatch Embedded Metric Format line: namespace prepaid, dimension Service. */
    static String emf(String metric, String provider, Instant at) {
        ObjectNode root = Json.object();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Service");
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", metric).put("Unit", "Count");
        root.put("Service", SERVICE);
        root.put("Provider", provider); // a property: searchable, not a dimension
        root.put(metric, 1);
        return Json.write(root);
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
