package dev.prepaid.function.reconciliation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.ReconciliationReportJson;
import dev.prepaid.wiring.ReconciliationWiring;
import dev.prepaid.application.ReconciliationService;
import dev.prepaid.port.out.ReconciliationReport;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.argument.StructuredArguments;

/**
 * The scheduled reconciliation run (an EventBridge schedule; a manual invoke with an empty event does the
 * same). It logs the report as one JSON line and writes the run's metrics to stdout in CloudWatch Embedded
 * Metric Format, namespace {@code prepaid}, dimension {@code Service}: StuckOrders (pending orders still open past
 * their checkout's lifetime and grace, or not checkable; open ones within it are only the AwaitingOrders
 * property), OrdersHealed, CreditDrift (open drift items: users whose balance disagrees with their ledger, until
 * it agrees again), PaymentSuccessRate (percent), MissingEntries (completed orders without their ledger entry),
 * OrphanEntries (purchase or subscription-grant entries without their order or payment), ReconciliationErrors
 * (orders and users the run could not check) and DlqDepth. Alarms belong on those metrics; the report says which
 * order or user each finding is about.
 */
public final class ReconciliationHandler implements RequestHandler<ScheduledEvent, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReconciliationHandler.class);
    static final String NAMESPACE = "prepaid";
    static final String SERVICE = "prepaid";

    private final ReconciliationService service;
    private final Consumer<String> metricsOut;
    private final Clock clock;

    /** Lambda's entry point: the services from the one wiring place. */
    public ReconciliationHandler() {
        this(ReconciliationWiring.services(Env.system()), System.out::println, Clock.systemUTC());
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public ReconciliationHandler(Env env) {
        this(ReconciliationWiring.services(env), System.out::println, Clock.systemUTC());
    }

    /**
     * @param metricsOut where the EMF line goes (stdout in Lambda: CloudWatch Logs extracts the metrics)
     */
    public ReconciliationHandler(ReconciliationService service, Consumer<String> metricsOut, Clock clock) {
        this.service = service;
        this.metricsOut = metricsOut;
        this.clock = clock;
    }


    @Override
    public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
        String correlationId = event != null && event.getId() != null ? event.getId()
                : context != null ? context.getAwsRequestId() : "reconciliation";
        return Logs.withCorrelationId(context, correlationId, () -> run(context));
    }

    private Map<String, Object> run(Context context) {
        // Leave a third of the remaining time to finish the item in hand, save the checkpoint and the report.
        Instant deadline = context == null ? null
                : clock.instant().plusMillis(Math.max(0, context.getRemainingTimeInMillis()) * 2L / 3);
        ReconciliationReport report = service.run(deadline);
        ObjectNode json = ReconciliationReportJson.toJson(report);
        // one log line; the report is a JSON object inside it, not an escaped string
        LOG.info("reconciliation report", StructuredArguments.json("report", Json.write(json)));
        metricsOut.accept(emf(report, clock.instant()));
        return summary(report);
    }

    /** The run's metrics as one CloudWatch Embedded Metric Format line. */
    static String emf(ReconciliationReport report, Instant at) {
        ObjectNode root = Json.object();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("Service");
        ArrayNode metrics = directive.putArray("Metrics");
        metric(metrics, "StuckOrders", "Count");
        metric(metrics, "OrdersHealed", "Count");
        metric(metrics, "CreditDrift", "Count");
        metric(metrics, "PaymentSuccessRate", "Percent");
        metric(metrics, "MissingEntries", "Count");
        metric(metrics, "OrphanEntries", "Count");
        metric(metrics, "ReconciliationErrors", "Count");
        if (report.dlqDepth() >= 0) {
            metric(metrics, "DlqDepth", "Count"); // an unreadable DLQ is no data, not a depth of -1
        }
        root.put("Service", SERVICE);
        root.put("StuckOrders", report.pending().stuck());
        root.put("OrdersHealed", report.pending().healed());
        root.put("CreditDrift", report.openDrifts().size()); // open items: stays up until the data is fixed
        root.put("PaymentSuccessRate", report.successRate().rate() * 100.0);
        if (report.dlqDepth() >= 0) {
            root.put("DlqDepth", report.dlqDepth());
        }
        root.put("MissingEntries", report.completed().missingEntries().size());
        root.put("OrphanEntries", report.orphanEntries().size());
        root.put("ReconciliationErrors", report.errors().size());
        // properties (searchable in the log line, not metrics)
        root.put("CreditDriftAbsoluteHundredths", report.drift().absoluteDriftHundredths());
        root.put("PaymentSuccessRateBasis", report.successRate().basis());
        root.put("UsersChecked", report.drift().usersChecked());
        root.put("NewDrifts", report.drift().driftedUsers());
        root.put("AwaitingOrders", report.pending().awaiting());
        return Json.write(root);
    }

    private static void metric(ArrayNode metrics, String name, String unit) {
        metrics.addObject().put("Name", name).put("Unit", unit);
    }

    private static Map<String, Object> summary(ReconciliationReport report) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("stuckOrders", report.pending().stuck());
        summary.put("awaitingOrders", report.pending().awaiting());
        summary.put("ordersHealed", report.pending().healed());
        summary.put("ordersExpired", report.pending().expired());
        summary.put("ordersFailed", report.pending().failed());
        summary.put("missingEntries", report.completed().missingEntries().size());
        summary.put("orphanEntries", report.orphanEntries().size());
        summary.put("usersChecked", report.drift().usersChecked());
        summary.put("creditDrift", report.openDrifts().size());
        summary.put("newDrifts", report.drift().driftedUsers());
        summary.put("creditDriftAbsoluteHundredths", report.drift().absoluteDriftHundredths());
        summary.put("paymentSuccessRate", report.successRate().rate());
        summary.put("paymentSuccessRateBasis", report.successRate().basis());
        summary.put("dlqDepth", report.dlqDepth());
        summary.put("errors", report.errors().size());
        return summary;
    }
}
