package dev.prepaid.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run-local}: starts {@link LocalStack} on http://127.0.0.1:3000 (PORT or --port to change), prints
 * what runs and a curl session, and stops everything cleanly on Ctrl-C.
 */
public final class LocalRunner {
    private LocalRunner() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            // readable one-line logs for a person at a terminal (the deployed functions log JSON)
            System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        }
        if (args.length >= 2 && args[0].equals("catalog") && args[1].equals("check")) {
            // ./run-local catalog check [--catalog NAME | --catalog-file PATH] [--payment-env test|production]
            dev.prepaid.adapter.out.provider.CatalogCheck.main(java.util.Arrays.copyOfRange(args, 2, args.length));
            return;
        }
        Options options;
        try {
            options = Options.parse(args, root(), System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("run-local: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(Options.USAGE);
            return;
        }
        System.out.println("starting prepaid locally from " + options.template() + " ...");
        LocalStack stack;
        try {
            stack = LocalStack.start(options);
        } catch (LocalStack.StartupException e) {
            System.err.println("run-local: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping prepaid ...");
            stack.close();
            System.out.println("stopped" + (options.inMemory() ? "" : "; data kept in " + options.dataDir()));
            stopped.countDown();
        }, "run-local-stop"));
        System.out.println(Banner.of(stack));
        stopped.await();
    }

    /**
     * The repository: the system property {@code prepaid.root} (set by the exec plugin and Surefire), else the
     * first directory up from here holding template.yaml beside functions/.
     */
    public static Path root() {
        String configured = System.getProperty("prepaid.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("functions"))) {
                return dir;
            }
        }
        return cwd;
    }
}
