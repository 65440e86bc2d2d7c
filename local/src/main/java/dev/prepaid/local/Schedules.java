package dev.prepaid.local;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.local.template.Intrinsics;
import dev.prepaid.testing.TestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Functions with a {@code Schedule} event, run on a short local schedule (every minute by default, whatever
 * the template's rate or cron) with the event EventBridge would deliver: a {@link ScheduledEvent} ("Scheduled
 * Event" from aws.events, the rule's ARN in resources), or the event's Input when it has one. A handler
 * taking a Map or a String gets the same event as JSON.
 */
public final class Schedules implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scheduled function. {@code input}: the event's Input (JSON) or null. */
    public record Scheduled(String function, String event, String expression, String input, HandlerInvoker handler) {
    }

    private final List<Scheduled> scheduled;
    private final Duration every;
    private final Clock clock;
    private ScheduledExecutorService executor;

    public Schedules(List<Scheduled> scheduled, Duration every, Clock clock) {
        this.scheduled = List.copyOf(scheduled);
        this.every = Objects.requireNonNull(every, "every");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public List<Scheduled> scheduled() {
        return scheduled;
    }

    /** Runs each function every {@code every}, the first time one period from now, on a daemon thread. */
    public synchronized void start() {
        if (scheduled.isEmpty() || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "local-schedules");
            thread.setDaemon(true);
            return thread;
        });
        long millis = every.toMillis();
        executor.scheduleWithFixedDelay(this::runAllQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void runAllQuietly() {
        for (Scheduled s : scheduled) {
            try {
                invoke(s);
            } catch (RuntimeException e) {
                LOG.error("scheduled run of {} ({}) failed", s.function(), s.event(), e);
            }
        }
    }

    /** One scheduled invocation of {@code s} now; returns what the handler returned. */
    public Object invoke(Scheduled s) {
        Object event = eventFor(s, clock.instant());
        LOG.info("schedule {} ({}) -> {}", s.event(), s.expression(), s.function());
        return s.handler().invoke(event, new TestContext(s.function()));
    }

    /** Runs every scheduled function once, now. */
    public List<Object> runAll() {
        List<Object> results = new ArrayList<>();
        scheduled.forEach(s -> results.add(invoke(s)));
        return results;
    }

    /** The event for the handler's declared input type. */
    static Object eventFor(Scheduled s, Instant now) {
        Class<?> type = s.handler().inputType();
        String json = s.input() != null ? s.input() : scheduledEventJson(s, now).toString();
        if (s.input() == null && type.isAssignableFrom(ScheduledEvent.class)) {
            return scheduledEvent(s, now);
        }
        if (type == String.class) {
            return json;
        }
        if (type == byte[].class || type == java.io.InputStream.class) {
            return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        try {
            if (type.isAssignableFrom(Map.class)) {
                return JSON.readValue(json, HashMap.class);
            }
            if (type == ScheduledEvent.class) { // with an Input: EventBridge delivers the Input instead
                return JSON.readValue(json, ScheduledEvent.class);
            }
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(s.function() + ": its schedule Input does not fit " + type.getSimpleName(), e);
        }
    }

    static ScheduledEvent scheduledEvent(Scheduled s, Instant now) {
        ScheduledEvent event = new ScheduledEvent();
        event.setVersion("0");
        event.setId(UUID.randomUUID().toString());
        event.setDetailType("Scheduled Event");
        event.setSource("aws.events");
        event.setAccount(Intrinsics.ACCOUNT);
        event.setRegion(Intrinsics.REGION);
        event.setTime(new DateTime(now.truncatedTo(ChronoUnit.SECONDS).toEpochMilli(), DateTimeZone.UTC));
        event.setResources(List.of(ruleArn(s)));
        event.setDetail(new HashMap<>());
        return event;
    }

    static ObjectNode scheduledEventJson(Scheduled s, Instant now) {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", "0");
        node.put("id", UUID.randomUUID().toString());
        node.put("detail-type", "Scheduled Event");
        node.put("source", "aws.events");
        node.put("account", Intrinsics.ACCOUNT);
        node.put("time", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
        node.put("region", Intrinsics.REGION);
        node.putArray("resources").add(ruleArn(s));
        node.putObject("detail");
        return node;
    }

    static String ruleArn(Scheduled s) {
        return "arn:aws:events:" + Intrinsics.REGION + ":" + Intrinsics.ACCOUNT + ":rule/prepaid-local-" + s.function() + "-" + s.event();
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }
}
