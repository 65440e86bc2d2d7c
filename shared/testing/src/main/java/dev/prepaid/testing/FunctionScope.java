package dev.prepaid.testing;

import java.util.function.Supplier;

/**
 * Which function the current thread is running, as the Lambda service would know it: the API Gateway stand-in
 * and the queue poller set it around each invocation, tests that invoke a handler directly (a schedule, an
 * operator's call) wrap it themselves. {@link WritePrefixRecorder} attributes every DynamoDB write to it.
 */
public final class FunctionScope {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private FunctionScope() {
    }

    /** Runs {@code invocation} as function {@code name} (its module name, e.g. "webhook"). */
    public static <T> T call(String name, Supplier<T> invocation) {
        String outer = CURRENT.get();
        CURRENT.set(name);
        try {
            return invocation.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The function running on this thread, or null (a test's own client, set-up, assertions). */
    public static String current() {
        return CURRENT.get();
    }
}
