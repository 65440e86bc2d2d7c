package dev.prepaid.bench;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmark harness: {@code mvn -q -Pbench -pl bench exec:java -Dexec.args="all"}, or any of
 * {@code roundtrips webhook throughput hotuser coldstart}. Options: {@code quick} (shorter phases, for
 * trying the harness, not for figures), {@code nocds} (skip the cold-start AppCDS experiment).
 *
 * <p>Every figure is a ratio against a reference measured in the same run, or a count; absolute times are
 * printed for context. Results go to {@code bench/target/bench-results.json} and a table on stdout. The
 * functions' own JSON logs (Powertools, one line per request) go to {@code bench/target/handler-logs.jsonl}:
 * they are written exactly as in Lambda (the cost stays in the measurement), just not onto the terminal.
 */
public final class Bench {
    /** Bytes the functions logged to stdout (CloudWatch Logs ingestion is billed on these). */
    static final LongAdder LOG_BYTES = new LongAdder();
    static PrintStream out;
    static boolean quick;

    private Bench() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // exec:java would wait for the engines' non-daemon threads before reporting this: say it and stop.
            (out == null ? System.err : out).println("benchmark failed:");
            e.printStackTrace(out == null ? System.err : out);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path benchDir = Path.of(System.getProperty("prepaid.bench.dir", "bench")).toAbsolutePath().normalize();
        Path root = Path.of(System.getProperty("prepaid.root", benchDir.resolve("..").toString())).toAbsolutePath().normalize();
        Path target = benchDir.resolve("target");
        Files.createDirectories(target);
        out = System.out;
        // Before any logging framework starts: the Console appender binds to System.out when it is configured.
        OutputStream logFile = new BufferedOutputStream(new FileOutputStream(target.resolve("handler-logs.jsonl").toFile()), 1 << 16);
        System.setOut(new PrintStream(new CountingStream(logFile), false, StandardCharsets.UTF_8));

        List<String> names = new ArrayList<>();
        boolean cds = true;
        for (String arg : args.length == 0 ? new String[] {"all"} : String.join(" ", args).trim().split("\\s+")) {
            switch (arg) {
                case "quick" -> quick = true;
                case "cds" -> cds = true;
                case "nocds" -> cds = false;
                case "all" -> names.addAll(List.of("roundtrips", "webhook", "throughput", "hotuser", "coldstart"));
                case "roundtrips", "webhook", "throughput", "hotuser", "coldstart" -> names.add(arg);
                default -> {
                    out.println("unknown benchmark '" + arg + "'; use: all | roundtrips webhook throughput hotuser coldstart"
                            + " [quick] [nocds]");
                    System.exit(2);
                }
            }
        }
        Report report = new Report();
        report.root.put("date", Instant.now().toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        report.root.putPOJO("machine", machine);
        report.root.put("quick", quick);
        report.root.putPOJO("benchmarks", names);

        long started = System.nanoTime();
        com.fasterxml.jackson.databind.node.ObjectNode load = report.root.putObject("loadAverage");
        for (String name : names) {
            long t = System.nanoTime();
            String before = loadAverage();
            progress("== " + name + "  (load average before: " + before + ")");
            switch (name) {
                case "roundtrips" -> new RoundTrips(report).run();
                case "webhook" -> new WebhookAck(report).run();
                case "throughput" -> new WarmThroughput(report).run();
                case "hotuser" -> new HotUser(report).run();
                case "coldstart" -> new ColdStart(report, root, target, cds).run();
                default -> throw new IllegalStateException(name);
            }
            String after = loadAverage();
            load.put(name, "before " + before + ", after " + after);
            report.row("machine", name + " load average (1/5/15 min)", before + " -> " + after,
                    Runtime.getRuntime().availableProcessors() + " cores", "other processes share the machine; ratios are measured interleaved");
            progress("   " + name + " took " + (System.nanoTime() - t) / 1_000_000_000 + " s (load average after: " + after + ")");
            report.write(target.resolve("bench-results.json"));
        }
        report.root.put("totalSeconds", (System.nanoTime() - started) / 1_000_000_000);
        // Stop the engines while their shutdown logging still goes to the log file, not the terminal.
        dev.prepaid.testing.LocalEngines.shared().close();
        report.write(target.resolve("bench-results.json"));
        System.out.flush();
        out.println();
        report.print(out);
        out.println();
        out.println("results: " + target.resolve("bench-results.json") + "  (total " + (System.nanoTime() - started) / 1_000_000_000 + " s)");
        out.flush();
        // DynamoDB Local, ElasticMQ and the fake Stripe server run on non-daemon threads: end the JVM here.
        System.exit(report.problems().isEmpty() ? 0 : 1);
    }

    /** The 1, 5 and 15 minute load averages (Linux), to judge how noisy a figure's machine was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    static void progress(String text) {
        out.println(text);
        out.flush();
    }

    /** Seconds of a measurement phase (shortened by {@code quick}). */
    static double seconds(double normal) {
        return quick ? Math.max(0.5, normal / 4) : normal;
    }

    static int count(int normal) {
        return quick ? Math.max(3, normal / 4) : normal;
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream delegate;

        CountingStream(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            LOG_BYTES.increment();
            delegate.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            LOG_BYTES.add(len);
            delegate.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            delegate.flush();
        }
    }
}
