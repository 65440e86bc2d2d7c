package dev.prepaid.domain;

import java.text.Normalizer;

/**
 * The owner of a balance: the identity provider's subject ({@code sub} claim) for users, or the id the
 * app's backend names on service routes. Opaque to us, except that it is compared in Unicode NFC: "é" typed as
 * one code point or as "e" plus a combining accent is one user with one balance, whichever route or token names
 * it. This constructor is the one place ids are normalised. '#' is refused because it separates key parts; an
 * unpaired UTF-16 surrogate because it has no UTF-8 form (the SDK would store it as '?', so two different ids
 * would share one balance).
 */
public record UserId(String value) {
    public static final int MAX_LENGTH = 128;

    public UserId {
        if (value == null || value.isEmpty()) {
            throw new ValidationException("invalid_user_id", "userId is required");
        }
        if (Unicode.hasUnpairedSurrogate(value)) {
            throw new ValidationException("invalid_user_id", "userId is not valid Unicode (an unpaired surrogate)");
        }
        value = Normalizer.normalize(value, Normalizer.Form.NFC);
        if (value.length() > MAX_LENGTH) {
            throw new ValidationException("invalid_user_id", "userId is longer than " + MAX_LENGTH);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c == 0x7F || c == '#' || Character.isISOControl(c) || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)) { // isWhitespace alone lets no-break spaces (U+00A0...) through
                throw new ValidationException("invalid_user_id",
                        "userId may not contain whitespace, control characters or '#'");
            }
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
