package dev.prepaid.local;

import dev.prepaid.local.template.ParameterValues;
import dev.prepaid.local.template.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runner's command line.
 *
 * @param port           where the API, the demo page and the mock checkout listen (0: any free port)
 * @param inMemory       keep nothing: DynamoDB in memory, fresh secrets
 * @param dataDir        where balances (DynamoDB Local) and the local secrets are kept
 * @param template       the SAM template to run
 * @param parameters     template parameter values (Name=Value)
 * @param pollEvery      how often each SQS-triggered function's queue is polled
 * @param scheduleEvery  how often each scheduled function runs
 * @param environment    the runner's STRIPE_* variables (a local Stripe test-mode run, docs/providers.md)
 */
public record Options(int port, boolean inMemory, Path dataDir, Path template, Map<String, String> parameters,
                      Duration pollEvery, Duration scheduleEvery, boolean help, Map<String, String> environment) {
    public static final int DEFAULT_PORT = 3000;

    /** The usage text: local/src/main/resources/run-local-usage.txt, which ./run-local --help prints without a build. */
    public static final String USAGE = usage();


    public Options {
        parameters = Map.copyOf(parameters);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /** The payment provider the run asks for: the PaymentProvider parameter, or mock. */
    public String paymentProvider() {
        return parameters.getOrDefault("PaymentProvider", "mock");
    }

    /** With these STRIPE_* variables in place of the runner's. */
    public Options withEnvironment(Map<String, String> variables) {
        return new Options(port, inMemory, dataDir, template, parameters, pollEvery, scheduleEvery, help,
                dev.prepaid.local.template.LocalOverrides.stripeVariables(variables));
    }

    /** With one more template parameter. */
    public Options withParameter(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(parameters);
        more.put(name, value);
        return new Options(port, inMemory, dataDir, template, more, pollEvery, scheduleEvery, help, environment);
    }

    /** Defaults for a repository at {@code root}, with {@code env}'s PORT. */
    public static Options defaults(Path root, Map<String, String> env) {
        int port = DEFAULT_PORT;
        String fromEnv = env.get("PORT");
        if (fromEnv != null && !fromEnv.isBlank()) {
            port = port(fromEnv.trim(), "PORT");
        }
        return new Options(port, false, root.resolve(".local"), root.resolve("template.yaml"), Map.of(),
                Duration.ofMillis(500), Duration.ofSeconds(60), false,
                dev.prepaid.local.template.LocalOverrides.stripeVariables(env));
    }

    public static Options parse(String[] args, Path root, Map<String, String> env) {
        Options o = defaults(root, env);
        int port = o.port;
        boolean inMemory = false;
        boolean help = false;
        Path dataDir = o.dataDir;
        Path template = o.template;
        Map<String, String> parameters = new LinkedHashMap<>();
        Duration poll = o.pollEvery;
        Duration schedule = o.scheduleEvery;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.isBlank()) {
                continue;
            }
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0 && !arg.startsWith("--parameter=") && !arg.equals("--parameter")) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            } else if (arg.startsWith("--parameter=")) {
                value = arg.substring("--parameter=".length());
                arg = "--parameter";
            }
            switch (arg) {
                case "--in-memory" -> inMemory = true;
                case "-h", "--help" -> help = true;
                case "--port" -> port = port(value != null ? value : next(args, ++i, arg), "--port");
                case "--data-dir" -> dataDir = Path.of(value != null ? value : next(args, ++i, arg)).toAbsolutePath().normalize();
                case "--template" -> template = Path.of(value != null ? value : next(args, ++i, arg)).toAbsolutePath().normalize();
                case "--poll-ms" -> poll = Duration.ofMillis(positive(value != null ? value : next(args, ++i, arg), arg));
                case "--schedule-seconds" -> schedule = Duration.ofSeconds(positive(value != null ? value : next(args, ++i, arg), arg));
                case "--parameter" -> {
                    String pair = value != null ? value : next(args, ++i, arg);
                    int sep = pair.indexOf('=');
                    if (sep <= 0) {
                        throw new IllegalArgumentException("--parameter needs Name=Value, got " + pair);
                    }
                    parameters.put(pair.substring(0, sep), pair.substring(sep + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n\n" + USAGE);
            }
        }
        if (!help && !Files.isRegularFile(template)) {
            throw new IllegalArgumentException("no template at " + template);
        }
        if (!help && !parameters.isEmpty()) {
            // at start, as CloudFormation would at deploy: a typo'd name or a value out of bounds stops here
            ParameterValues.check(SamTemplate.read(template), parameters);
        }
        return new Options(port, inMemory, dataDir, template, parameters, poll, schedule, help, o.environment);
    }

    public Options withPort(int newPort) {
        return new Options(newPort, inMemory, dataDir, template, parameters, pollEvery, scheduleEvery, help, environment);
    }

    public Options withTemplate(Path newTemplate) {
        return new Options(port, inMemory, dataDir, newTemplate, parameters, pollEvery, scheduleEvery, help, environment);
    }

    public Options withDataDir(Path newDataDir) {
        return new Options(port, false, newDataDir, template, parameters, pollEvery, scheduleEvery, help, environment);
    }

    public Options withScheduleEvery(Duration every) {
        return new Options(port, inMemory, dataDir, template, parameters, pollEvery, every, help, environment);
    }

    public Options inMemoryRun() {
        return new Options(port, true, dataDir, template, parameters, pollEvery, scheduleEvery, help, environment);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int port(String text, String what) {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a port number (0-65535), got " + text);
        }
    }

    private static long positive(String text, String what) {
        try {
            long n = Long.parseLong(text);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + text);
        }
    }

    private static String usage() {
        try (InputStream in = Options.class.getResourceAsStream("/run-local-usage.txt")) {
            if (in == null) {
                throw new IllegalStateException("run-local-usage.txt is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
