package dev.prepaid.adapter.out.provider.creem;

/** Masks secrets (API keys, webhook secrets) for anything that might print them: logs, toString, errors. */
public final class Secrets {
    private static final int SHOWN = 4;
    /** Below this length even the last four characters would give away too much of the secret. */
    private static final int MIN_LENGTH_TO_SHOW = 12;

    private Secrets() {
    }

    /**
     * {@code ****abcd}: only the last four characters, so two keys can be told apart in a log. Short values
     * (under 12 characters) are masked completely; null or blank becomes {@code <unset>}.
     */
    public static String mask(String secret) {
        if (secret == null || secret.isBlank()) {
            return "<unset>";
        }
        if (secret.length() < MIN_LENGTH_TO_SHOW) {
            return "****";
        }
        return "****" + secret.substring(secret.length() - SHOWN);
    }
}
