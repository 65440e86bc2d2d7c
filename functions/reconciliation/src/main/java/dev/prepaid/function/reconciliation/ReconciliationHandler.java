package dev.prepaid.function.reconciliation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.ReconciliationReportJson;
import dev.prepaid.adapter.out.metrics.MetricsPublisher;
import dev.prepaid.adapter.out.metrics.MetricsPublisher.Unit;
import dev.prepaid.application.reconciliation.ReconciliationService;
import dev.prepaid.wiring.ReconciliationWiring;
import dev.prepaid.port.out.ReconciliationReport;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.argument.StructuredArguments;

/**
 * The scheduled reconciliation run (an EventBridge schedule; a manual invoke with an empty event does the
 * same). It logs the report as one JSON line and writes the run's metrics to stdout in CloudWatch Embedded
 * Metric Format ({@link MetricsPublisher}: Powertools metrics), namespace {@code POWERTOOLS_METRICS_NAMESPACE}
 * ({@code prepaid}), dimension {@code Service}: StuckOrders (pending orders still open past
 * their checkout's lifetime and grace, or not checkable; open ones within it are only the AwaitingOrders
 * property), OrdersHealed, CreditDrift (open drift items: users whose balance disagrees with their ledger, until
 * it agrees again), PaymentSuccessRate (percent), MissingEntries (completed orders without their ledger entry),
 * OrphanEntries (purchase or subscription-grant entries without their order or payment), ReconciliationErrors
 * (orders and users the run could not check) and DlqDepth. Alarms belong on those metrics; the report says which
 * order or user each finding is about.
 */
public final class ReconciliationHandler implements RequestHandler<ScheduledEvent, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReconciliationHandler.class);

    private final ReconciliationService service;
    private final MetricsPublisher metrics;
    private final Clock clock;
    /** The app-event outbox sweeper (null without APP_EVENTS_QUEUE_URL): runs first in every run. */
    private final dev.prepaid.adapter.out.webhooks.AppEventSweeper sweeper;

    /** Lambda's entry point: the services from the one wiring place. */
    public ReconciliationHandler() {
        this(Env.system());
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static ReconciliationHandler fromEnv(Env env) {
        return new ReconciliationHandler(env);
    }

    private ReconciliationHandler(Env env) {
        this(ReconciliationWiring.services(env), MetricsPublisher.fromEnvironment(env), Clock.systemUTC(),
                ReconciliationWiring.sweeper(env));
    }

    /**
     * @param metrics where the EMF line goes (stdout in Lambda: CloudWatch Logs extracts the metrics)
     * @param sweeper the app-event outbox sweeper (null: none)
     */
    public ReconciliationHandler(ReconciliationService service, MetricsPublisher metrics, Clock clock,
                                 dev.prepaid.adapter.out.webhooks.AppEventSweeper sweeper) {
        this.service = service;
        this.metrics = metrics;
        this.clock = clock;
        this.sweeper = sweeper;
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
        int swept = sweepOutbox();
        ReconciliationReport report = service.run(deadline);
        ObjectNode json = ReconciliationReportJson.toJson(report);
        // one log line; the report is a JSON object inside it, not an escaped string
        LOG.info("reconciliation report", StructuredArguments.json("report", Json.write(json)));
        emf(metrics, report, clock.instant());
        Map<String, Object> summary = summary(report);
        if (sweeper != null) {
            Map<String, Object> withSweep = new LinkedHashMap<>(summary);
            withSweep.put("appEventsSwept", swept);
            return withSweep;
        }
        return summary;
    }

    /** App events no writer enqueued go to AppEventsQueue; a failure here never stops the reconciliation. */
    private int sweepOutbox() {
        if (sweeper == null) {
            return 0;
        }
        try {
            return sweeper.sweep();
        } catch (RuntimeException e) {
            LOG.warn("the app-event outbox sweep failed; the next run retries: {}", e.toString());
            return -1;
        }
    }

    /** The run's metrics as one CloudWatch Embedded Metric Format line. */
    static void emf(MetricsPublisher metrics, ReconciliationReport report, Instant at) {
        metrics.publish(at, line -> {
            line.metric("StuckOrders", report.pending().stuck(), Unit.COUNT)
                    .metric("OrdersHealed", report.pending().healed(), Unit.COUNT)
                    // open items: stays up until the data is fixed
                    .metric("CreditDrift", report.openDrifts().size(), Unit.COUNT)
                    .metric("PaymentSuccessRate", report.successRate().rate() * 100.0, Unit.PERCENT)
                    .metric("MissingEntries", report.completed().missingEntries().size(), Unit.COUNT)
                    .metric("OrphanEntries", report.orphanEntries().size(), Unit.COUNT)
                    .metric("ReconciliationErrors", report.errors().size(), Unit.COUNT);
            if (report.dlqDepth() >= 0) {
                line.metric("DlqDepth", report.dlqDepth(), Unit.COUNT); // an unreadable DLQ is no data, not -1
            }
            // properties (searchable in the log line, not metrics)
            line.property("CreditDriftAbsoluteHundredths", report.drift().absoluteDriftHundredths())
                    .property("PaymentSuccessRateBasis", report.successRate().basis())
                    .property("UsersChecked", report.drift().usersChecked())
                    .property("NewDrifts", report.drift().driftedUsers())
                    .property("AwaitingOrders", report.pending().awaiting());
        });
    }

    /** The run's EMF line as text (tests). */
    static String emf(ReconciliationReport report, Instant at) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        emf(MetricsPublisher.writingTo(MetricsPublisher.DEFAULT_NAMESPACE, lines::add), report, at);
        return String.join("\n", lines);
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
