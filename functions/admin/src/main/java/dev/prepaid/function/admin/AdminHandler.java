package dev.prepaid.function.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.ApiException;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.JsonBody;
import dev.prepaid.adapter.in.http.Router;
import dev.prepaid.adapter.out.dynamodb.ReconciliationReportJson;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.wiring.AdminWiring;
import dev.prepaid.port.out.DeadLetterQueue;
import dev.prepaid.port.out.ReconciliationReport;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator routes, every one behind the scope {@code credits/admin} (API Gateway checks it on the route;
 * the handler checks again):
 * <ul>
 *   <li>{@code POST /api/admin/orders/{orderId}/reconcile}: ask the provider now and fulfil if paid;</li>
 *   <li>{@code GET /api/admin/reports/drift}: the drift part of the latest reconciliation report and the drift
 *       items still open ({@code open}: user, size, first seen, last checked);</li>
 *   <li>{@code GET /api/admin/dlq}: the fulfilment DLQ's depth;</li>
 *   <li>{@code POST /api/admin/dlq/redrive} {@code {"max": 1..100}} (default 10): move DLQ messages back to
 *       the fulfilment queue, whose consumer handles them idempotently;</li>
 *   <li>the app's webhook endpoints and redelivery ({@link AppWebhookRoutes}).</li>
 * </ul>
 * Every action is logged with the caller's subject.
 */
public final class AdminHandler extends ApiGatewayHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    static final int DEFAULT_REDRIVE = 10;
    static final int MAX_REDRIVE = 100;

    /** Lambda's entry point: the services from the one wiring place. */
    public AdminHandler() {
        this(AdminWiring.services(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static AdminHandler fromEnv(Env env) {
        return new AdminHandler(AdminWiring.services(env));
    }

    public AdminHandler(AdminWiring.Services services) {
        this(services.service(), services.dlq(), services.webhooks());
    }

    /**
     * @param webhooks the app-webhook store, the app-events queue (null: redelivery answers 503) and whether plain
     *                 http to loopback may be registered (local runs only)
     */
    private AdminHandler(ReconciliationService service, DeadLetterQueue dlq, AdminWiring.Webhooks webhooks) {
        this(service, dlq, new AppWebhookRoutes(webhooks.store(), webhooks.queue(), webhooks.allowHttpLoopback(),
                Clock.systemUTC()));
    }

    private AdminHandler(ReconciliationService service, DeadLetterQueue dlq, AppWebhookRoutes hooks) {
        super(new Router()
                .route("POST", "/api/admin/orders/{orderId}/reconcile", request -> reconcile(service, request))
                .route("GET", "/api/admin/reports/drift", request -> drift(service, request))
                .route("GET", "/api/admin/dlq", request -> depth(dlq, request))
                .route("POST", "/api/admin/dlq/redrive", request -> redrive(dlq, request))
                .route("POST", "/api/admin/webhook-endpoints", hooks::create)
                .route("GET", "/api/admin/webhook-endpoints", hooks::list)
                .route("DELETE", "/api/admin/webhook-endpoints/{endpointId}", hooks::delete)
                .route("POST", "/api/admin/webhook-deliveries/{eventId}/redeliver", hooks::redeliver));
    }

    private static APIGatewayV2HTTPResponse reconcile(ReconciliationService service, HttpRequest request) {
        Caller caller = Caller.service(request, Caller.ADMIN_SCOPE);
        ReconciliationService.OrderCheck check;
        try {
            check = service.reconcileOrder(request.pathParameter("orderId"));
        } catch (ReconciliationService.ProviderNotConfiguredException e) {
            throw new ApiException(409, e.code(), e.getMessage());
        }
        LOG.info("admin {} reconciled order {}: {} -> {} ({})", caller.subject(), check.orderId(),
                check.previousStatus().wireName(), check.status().wireName(), check.result());
        ObjectNode body = Json.object();
        body.put("orderId", check.orderId());
        body.put("result", check.result().name().toLowerCase(Locale.ROOT));
        body.put("status", check.status().wireName());
        body.put("previousStatus", check.previousStatus().wireName());
        body.put("checkoutExpiresAt", check.checkoutExpiresAt().toString());
        body.put("stuck", check.stuck());
        return HttpResponses.json(200, body);
    }

    private static APIGatewayV2HTTPResponse drift(ReconciliationService service, HttpRequest request) {
        Caller.service(request, Caller.ADMIN_SCOPE);
        ReconciliationReport report = service.latestReport()
                .orElseThrow(() -> new ApiException(404, "no_report", "reconciliation has not finished a run yet"));
        ObjectNode body = ReconciliationReportJson.driftJson(report.drift());
        body.put("generatedAt", report.finishedAt() == null ? null : report.finishedAt().toString());
        // What is still wrong now (each run rechecks these), beside what the latest run found.
        var open = service.openDrifts();
        body.put("openDrifts", open.size());
        body.set("open", ReconciliationReportJson.openDriftsJson(open));
        // The latest run's other ledger findings, so one route answers "what is wrong with the money".
        body.set("missingEntries", ReconciliationReportJson.missingEntriesJson(report.completed().missingEntries()));
        body.set("orphanEntries", ReconciliationReportJson.orphanEntriesJson(report.orphanEntries()));
        // Paid events refused because they did not match their order (kept ~90 days, read now, not from the run).
        body.set("paymentMismatches", ReconciliationReportJson.mismatchesJson(service.paymentMismatches()));
        return HttpResponses.json(200, body);
    }

    private static APIGatewayV2HTTPResponse depth(DeadLetterQueue dlq, HttpRequest request) {
        Caller.service(request, Caller.ADMIN_SCOPE);
        return HttpResponses.json(200, Json.object().put("depth", dlq.depth()));
    }

    private static APIGatewayV2HTTPResponse redrive(DeadLetterQueue dlq, HttpRequest request) {
        Caller caller = Caller.service(request, Caller.ADMIN_SCOPE);
        int max = DEFAULT_REDRIVE;
        if (request.body().length > 0) {
            JsonBody body = JsonBody.parse(request, Set.of("max"));
            BigDecimal value = body.optionalNumber("max");
            if (value != null) {
                BigDecimal whole = value.stripTrailingZeros();
                if (whole.scale() > 0 || whole.compareTo(BigDecimal.ONE) < 0
                        || whole.compareTo(BigDecimal.valueOf(MAX_REDRIVE)) > 0) {
                    throw ApiException.badRequest("invalid_max", "max must be a whole number from 1 to " + MAX_REDRIVE);
                }
                max = whole.intValueExact();
            }
        }
        int moved = dlq.redrive(max);
        LOG.info("admin {} redrove {} of at most {} DLQ messages", caller.subject(), moved, max);
        return HttpResponses.json(200, Json.object().put("moved", moved));
    }
}
