package dev.prepaid.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.local.fakes.FakeScheduledHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The schedule code path with fake handlers (the reconciliation function's shape). */
class SchedulesTest {
    static final Instant NOW = Instant.parse("2025-06-01T03:00:00Z");

    /** A handler taking the event as a map, as some scheduled handlers do. */
    public static final class MapHandler implements RequestHandler<Map<String, Object>, String> {
        Map<String, Object> last;

        @Override
        public String handleRequest(Map<String, Object> event, Context context) {
            last = event;
            return "done";
        }
    }

    @Test
    void aScheduledEventAsEventBridgeDeliversIt() {
        FakeScheduledHandler.EVENTS.clear();
        HandlerInvoker handler = HandlerInvoker.of("ReconciliationFunction", FakeScheduledHandler.fromEnv(new Env(Map.of())), "handleRequest");
        Schedules schedules = new Schedules(List.of(new Schedules.Scheduled("ReconciliationFunction", "Hourly", "rate(1 hour)",
                null, handler)), Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(List.of(Map.of("ok", true)), schedules.runAll());
        ScheduledEvent event = FakeScheduledHandler.EVENTS.poll();
        assertNotNull(event);
        assertEquals("Scheduled Event", event.getDetailType());
        assertEquals("aws.events", event.getSource());
        assertEquals("0", event.getVersion());
        assertEquals("000000000000", event.getAccount());
        assertEquals("us-east-1", event.getRegion());
        assertEquals(NOW.toEpochMilli(), event.getTime().getMillis());
        assertEquals(List.of("arn:aws:events:us-east-1:000000000000:rule/prepaid-local-ReconciliationFunction-Hourly"),
                event.getResources());
        assertEquals(Map.of(), event.getDetail());
        assertNotNull(event.getId());
    }

    @Test
    void aHandlerTakingAMapGetsTheSameEventAsJson() {
        MapHandler fake = new MapHandler();
        Schedules schedules = new Schedules(List.of(new Schedules.Scheduled("F", "Nightly", "cron(0 3 * * ? *)", null,
                HandlerInvoker.of("F", fake, "handleRequest"))), Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(List.of("done"), schedules.runAll());
        assertEquals("Scheduled Event", fake.last.get("detail-type"));
        assertEquals("aws.events", fake.last.get("source"));
        assertEquals("2025-06-01T03:00:00Z", fake.last.get("time"));
    }

    @Test
    void theEventsInputReplacesTheScheduledEvent() {
        MapHandler fake = new MapHandler();
        Schedules schedules = new Schedules(List.of(new Schedules.Scheduled("F", "WithInput", "rate(1 day)",
                "{\"mode\": \"full\"}", HandlerInvoker.of("F", fake, "handleRequest"))), Duration.ofSeconds(60), Clock.systemUTC());
        schedules.runAll();
        assertEquals(Map.of("mode", "full"), fake.last);
    }

    @Test
    void startRunsEachFunctionEveryPeriodOnADaemonThread() throws Exception {
        FakeScheduledHandler.EVENTS.clear();
        HandlerInvoker handler = HandlerInvoker.of("Tick", FakeScheduledHandler.fromEnv(new Env(Map.of())), "handleRequest");
        try (Schedules schedules = new Schedules(List.of(new Schedules.Scheduled("Tick", "Every", "rate(1 minute)", null, handler)),
                Duration.ofMillis(100), Clock.systemUTC())) {
            long started = System.nanoTime();
            schedules.start();
            assertNotNull(FakeScheduledHandler.EVENTS.poll(5, TimeUnit.SECONDS), "first run");
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(90), "not before one period");
            assertNotNull(FakeScheduledHandler.EVENTS.poll(5, TimeUnit.SECONDS), "second run");
        }
    }

    @Test
    void aFailingRunIsLoggedAndTheScheduleGoesOn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        RequestHandler<ScheduledEvent, String> failing = (event, context) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("boom");
        };
        try (Schedules schedules = new Schedules(List.of(new Schedules.Scheduled("Bad", "Every", "rate(1 minute)", null,
                HandlerInvoker.of("Bad", failing, "handleRequest"))), Duration.ofMillis(50), Clock.systemUTC())) {
            assertThrows(IllegalStateException.class, () -> schedules.runAll());
            schedules.start();
            TestSupport.await(Duration.ofSeconds(5), "three more runs", () -> calls.get() >= 4);
        }
    }

    @Test
    void handlerInvokerReportsWhatCannotRun() {
        HandlerInvoker.UnavailableException missing = assertThrows(HandlerInvoker.UnavailableException.class, () ->
                HandlerInvoker.create("F", "dev.prepaid.function.NoSuchHandler", "handleRequest", new Env(Map.of()),
                        getClass().getClassLoader()));
        assertEquals("class dev.prepaid.function.NoSuchHandler is not on the classpath", missing.getMessage());
        HandlerInvoker.UnavailableException noEnv = assertThrows(HandlerInvoker.UnavailableException.class, () ->
                HandlerInvoker.create("F", MapHandler.class.getName(), "handleRequest", new Env(Map.of()), getClass().getClassLoader()));
        assertTrue(noEnv.getMessage().contains("no public static fromEnv(dev.prepaid.adapter.config.Env)"), noEnv.getMessage());
        HandlerInvoker.UnavailableException noMethod = assertThrows(HandlerInvoker.UnavailableException.class, () ->
                HandlerInvoker.create("F", FakeScheduledHandler.class.getName(), "handle", new Env(Map.of()), getClass().getClassLoader()));
        assertTrue(noMethod.getMessage().contains("no public method handle"), noMethod.getMessage());
    }
}
