package dev.prepaid.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {
    static final Path ROOT = TestSupport.root();

    @Test
    void defaults() {
        Options o = Options.parse(new String[0], ROOT, Map.of());
        assertEquals(3000, o.port());
        assertFalse(o.inMemory());
        assertEquals(ROOT.resolve(".local"), o.dataDir());
        assertEquals(ROOT.resolve("template.yaml"), o.template());
        assertEquals(Duration.ofMillis(500), o.pollEvery());
        assertEquals(Duration.ofSeconds(60), o.scheduleEvery());
    }

    @Test
    void portFromTheEnvironmentOrTheCommandLine() {
        assertEquals(4000, Options.parse(new String[0], ROOT, Map.of("PORT", "4000")).port());
        assertEquals(5000, Options.parse(new String[] {"--port", "5000"}, ROOT, Map.of("PORT", "4000")).port());
        assertEquals(5001, Options.parse(new String[] {"--port=5001"}, ROOT, Map.of()).port());
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--port", "http"}, ROOT, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[0], ROOT, Map.of("PORT", "70000")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--port"}, ROOT, Map.of()));
    }

    @Test
    void everyOption() {
        Options o = Options.parse(new String[] {"--in-memory", "--data-dir", "/tmp/x", "--parameter", "Stage=prod",
                "--parameter=PaymentEnv=test", "--poll-ms", "100", "--schedule-seconds", "5", ""}, ROOT, Map.of());
        assertTrue(o.inMemory());
        assertEquals(Path.of("/tmp/x"), o.dataDir());
        assertEquals(Map.of("Stage", "prod", "PaymentEnv", "test"), o.parameters());
        assertEquals(Duration.ofMillis(100), o.pollEvery());
        assertEquals(Duration.ofSeconds(5), o.scheduleEvery());
        assertTrue(Options.parse(new String[] {"--help"}, ROOT, Map.of()).help());
    }

    @Test
    void mistakesAreExplained() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--inmemory"}, ROOT, Map.of()));
        assertTrue(unknown.getMessage().startsWith("unknown option --inmemory"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("usage: ./run-local"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--parameter", "NoEquals"}, ROOT, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--template", "/nope.yaml"}, ROOT, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--poll-ms", "0"}, ROOT, Map.of()));
    }

    /** --parameter is checked against template.yaml at start, as CloudFormation would at deploy time. */
    @Test
    void parametersAreCheckedAgainstTheTemplate() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--parameter", "Stag=prod"}, ROOT, Map.of()));
        assertTrue(unknown.getMessage().startsWith("--parameter Stag: the template declares no parameter Stag"),
                unknown.getMessage());
        assertTrue(unknown.getMessage().contains("Stage"), "lists the declared ones: " + unknown.getMessage());

        IllegalArgumentException notAllowed = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--parameter", "PaymentProvider=paypal"}, ROOT, Map.of()));
        assertEquals("--parameter PaymentProvider=paypal: PaymentProvider must be one of stripe, creem, mock",
                notAllowed.getMessage());

        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--parameter=CheckoutLifetimeMinutes=30"}, ROOT, Map.of()));
        assertEquals("--parameter CheckoutLifetimeMinutes=30: CheckoutLifetimeMinutes must be between 35 and 1440",
                tooShort.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--parameter", "CheckoutLifetimeMinutes=an hour"}, ROOT, Map.of()));

        IllegalArgumentException pattern = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--parameter", "ReconcileSchedule=every 5 minutes"}, ROOT, Map.of()));
        assertTrue(pattern.getMessage().startsWith("--parameter ReconcileSchedule=every 5 minutes: ReconcileSchedule must match "),
                pattern.getMessage());
        assertTrue(pattern.getMessage().endsWith("(an EventBridge schedule expression, rate(...) or cron(...))"),
                "with the template's ConstraintDescription: " + pattern.getMessage());

        Options fine = Options.parse(new String[] {"--parameter", "PaymentProvider=mock", "--parameter",
                "CheckoutLifetimeMinutes=35", "--parameter", "ReconcileSchedule=rate(1 minute)"}, ROOT, Map.of());
        assertEquals("35", fine.parameters().get("CheckoutLifetimeMinutes"));
        assertTrue(Options.parse(new String[] {"--parameter", "Nope=1", "--help"}, ROOT, Map.of()).help(),
                "--help answers whatever else is on the line");
    }
}
