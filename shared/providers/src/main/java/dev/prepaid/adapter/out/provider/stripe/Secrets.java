package dev.prepaid.adapter.out.provider.stripe;

/** Showing a secret safely: never more than its last four characters. */
public final class Secrets {
    private Secrets() {
    }

    /**
     * {@code sk_test_51Habc...wxyz} becomes {@code ****wxyz}. Values of eight characters or fewer show
     * nothing (four characters would be half the secret); null or blank shows {@code (none)}.
     */
    public static String mask(String secret) {
        if (secret == null || secret.isBlank()) {
            return "(none)";
        }
        if (secret.length() <= 8) {
            return "****";
        }
        return "****" + secret.substring(secret.length() - 4);
    }
}
