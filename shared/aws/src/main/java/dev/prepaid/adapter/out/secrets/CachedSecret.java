package dev.prepaid.adapter.out.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secret read on first use and again once it is older than its time to live, so a rotated value is picked up
 * within the TTL without a redeploy. Nothing is read when this object is made: a function that builds it at
 * init (and so into a SnapStart snapshot) reads the secret only on its first use after the restore, and the
 * snapshot never holds a secret value.
 *
 * <p>When a refresh fails, the values read before go on serving (a Secrets Manager hiccup must not stop
 * payments) and the next use tries again; with nothing read yet, the failure is thrown. Values never appear in
 * logs or in {@link #toString()}: only their names, and a value's last four characters through {@link #mask}.
 * Thread-safe: concurrent uses of an expired secret make one read.
 */
public final class CachedSecret {
    private static final Logger LOG = LoggerFactory.getLogger(CachedSecret.class);

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    public static final String TTL_VARIABLE = "SECRETS_TTL_SECONDS";

    private final String name;
    private final SecretSource source;
    private final Duration ttl;
    private final Clock clock;

    private Map<String, String> values;
    private Instant readAt;
    private long reads;

    /**
     * @param name   what the logs call it (never a value)
     * @param ttl    how long a read serves before the next use reads again (zero: every use reads)
     */
    public CachedSecret(String name, SecretSource source, Duration ttl, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException(TTL_VARIABLE + " may not be negative");
        }
    }

    /** SECRETS_TTL_SECONDS (default 300), a whole number of seconds from 0 to 86400. */
    public static Duration ttlFrom(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_TTL;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds < 0 || seconds > 86_400) {
                throw new IllegalStateException(TTL_VARIABLE + " must be between 0 and 86400");
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(TTL_VARIABLE + " must be a whole number of seconds");
        }
    }

    /** The current values: cached, or read now when never read or older than the TTL. */
    public synchronized Map<String, String> values() {
        Instant now = clock.instant();
        if (values != null && now.isBefore(readAt.plus(ttl))) {
            return values;
        }
        try {
            Map<String, String> read = Map.copyOf(source.read());
            boolean changed = values != null && !values.equals(read);
            values = read;
            readAt = now;
            reads++;
            if (reads == 1 || changed) {
                LOG.info("secret {} read ({}): names {}", name, reads == 1 ? "first use" : "changed", read.keySet());
            }
            return values;
        } catch (RuntimeException e) {
            if (values == null) {
                throw e;
            }
            LOG.warn("secret {} could not be read again ({}): the values read before go on serving", name,
                    e.getClass().getSimpleName());
            return values;
        }
    }

    /** One value, or null when the secret has no such name. */
    public String value(String key) {
        return values().get(key);
    }

    /** How many reads of the source so far (0 until first use). */
    public synchronized long reads() {
        return reads;
    }

    /**
     * The one way a secret may be shown: {@code sk_test_51Habc...wxyz} becomes {@code ****wxyz}. Values of
     * eight characters or fewer show nothing; null or blank shows {@code (none)}.
     */
    public static String mask(String secret) {
        if (secret == null || secret.isBlank()) {
            return "(none)";
        }
        return secret.length() <= 8 ? "****" : "****" + secret.substring(secret.length() - 4);
    }

    @Override
    public synchronized String toString() {
        return "CachedSecret[" + name + ", ttl " + ttl + ", " + (values == null ? "not read" : "names " + values.keySet())
                + "]";
    }
}
