package dev.prepaid.function.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.ApiException;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.Router;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.application.WebhookIntake;
import dev.prepaid.domain.DomainException;
import dev.prepaid.domain.payment.EventInFlightException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Providers call this; the signature is the authentication (no JWT). Verify on the raw body, record,
 * enqueue, answer 200 — fast, so the provider never times out, and durable, so nothing acknowledged is
 * lost. A redelivery of an event already queued is a 200 duplicate; one that arrives while another delivery
 * of it holds the claim and has not queued it yet is a 409 {@code event_in_flight} with {@code Retry-After},
 * never a 200, so the provider retries. {@code POST /api/payment/callback} takes the active provider's webhooks too (the seeds' URL).
 */
public final class WebhookHandler extends ApiGatewayHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
    /** Provider events are far smaller; anything larger is not a webhook. */
    static final int MAX_WEBHOOK_BYTES = 512 * 1024;
    static final String NAMESPACE = "prepaid";
    static final String SERVICE = "prepaid";

    public WebhookHandler() {
        this(PaymentWiring.fromEnv(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static WebhookHandler fromEnv(Env env) {
        return new WebhookHandler(PaymentWiring.fromEnv(env));
    }

    private WebhookHandler(PaymentWiring wiring) {
        this(wiring.webhookIntake(), wiring.activeProvider().name(), System.out::println);
    }

    /** @param metricsOut where the {@code WebhookRejected} EMF lines go (stdout in Lambda) */
    public WebhookHandler(WebhookIntake intake, String activeProvider, Consumer<String> metricsOut) {
        super(new Router()
                .route("POST", "/api/payment/webhook/{provider}",
                        request -> receive(intake, request.pathParameter("provider"), request, metricsOut))
                .route("POST", "/api/payment/callback", request -> receive(intake, activeProvider, request, metricsOut)));
    }

    /**
     * Counts every webhook we refuse, by reason ({@code invalid_signature} after a secret rotation gone wrong,
     * {@code unknown_provider}, {@code payload_too_large}, {@code temporarily_unavailable} when the queue or table refused),
     * then lets the refusal take its usual way to the 4xx/5xx answer.
     */
    private static APIGatewayV2HTTPResponse receive(WebhookIntake intake, String provider, HttpRequest request,
                                                    Consumer<String> metricsOut) {
        try {
            return receive(intake, provider, request);
        } catch (ApiException e) {
            rejected(metricsOut, e.code());
            throw e;
        } catch (DomainException e) {
            rejected(metricsOut, e.code());
            throw e;
        }
    }

    private static void rejected(Consumer<String> metricsOut, String code) {
        try {
            metricsOut.accept(rejectedEmf(code, Instant.now()));
        } catch (RuntimeException e) {
            LOG.warn("could not write the WebhookRejected metric: {}", e.getClass().getSimpleName());
        }
    }

    /** One refused webhook as a CloudWatch Embedded Metric Format line: namespace prepaid, dimensions Service, Reason. */
    static String rejectedEmf(String reason, Instant at) {
        ObjectNode root = Json.object();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Service").add("Reason");
        ArrayNode metrics = directive.putArray("Metrics");
        metric(metrics, "WebhookRejected", "Count");
        root.put("Service", SERVICE);
        root.put("Reason", reason == null ? "unknown" : reason);
        root.put("WebhookRejected", 1);
        return Json.write(root);
    }

    private static void metric(ArrayNode metrics, String name, String unit) {
        metrics.addObject().put("Name", name).put("Unit", unit);
    }

    private static APIGatewayV2HTTPResponse receive(WebhookIntake intake, String provider, HttpRequest request) {
        byte[] body = request.body();
        if (body.length > MAX_WEBHOOK_BYTES) {
            throw new ApiException(413, "payload_too_large", "the webhook body is too large");
        }
        Map<String, String> headers = new HashMap<>();
        if (request.event().getHeaders() != null) {
            request.event().getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        }
        WebhookIntake.Received received;
        try {
            received = intake.receive(provider.toLowerCase(Locale.ROOT), headers, body);
        } catch (SdkException e) {
            // The queue or the table did not take it: 5xx, and the claim was released, so the retry goes through.
            LOG.error("webhook from {} not accepted: {}", provider, e.getClass().getSimpleName());
            throw new ApiException(503, "temporarily_unavailable", "could not accept the event now; retry")
                    .header("retry-after", "5");
        } catch (EventInFlightException e) {
            // Another delivery of this event holds the claim and has not queued it: not acknowledged, so the
            // provider keeps retrying until that delivery completes (duplicate) or its lease lapses (taken over).
            LOG.warn("webhook from {} in flight elsewhere; answered 409, retry after {} s", provider,
                    e.retryAfterSeconds());
            throw e;
        }
        LOG.info("webhook {} {}: queued {}, duplicate {}, ignored {}", provider, received.eventId(), received.queued(),
                received.duplicate(), received.ignoredTypes());
        ObjectNode response = Json.object();
        response.put("received", true);
        response.put("queued", received.queued());
        response.put("duplicate", received.duplicate());
        return HttpResponses.json(200, response);
    }
}
