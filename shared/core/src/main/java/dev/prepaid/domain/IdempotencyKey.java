package dev.prepaid.domain;

/**
 * The caller's name for one operation. Ledger entry keys are derived from it, so a retry lands on the
 * same item and replays. Printable ASCII without '#' (the key separator), 1 to 255 characters.
 */
public record IdempotencyKey(String value) {
    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (value == null || value.isEmpty()) {
            throw new ValidationException("invalid_idempotency_key", "idempotencyKey is required");
        }
        if (Unicode.hasUnpairedSurrogate(value)) { // refused by the ASCII rule below too; named for a clear answer
            throw new ValidationException("invalid_idempotency_key",
                    "idempotencyKey is not valid Unicode (an unpaired surrogate)");
        }
        if (value.length() > MAX_LENGTH) {
            throw new ValidationException("invalid_idempotency_key", "idempotencyKey is longer than " + MAX_LENGTH);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '#') {
                throw new ValidationException("invalid_idempotency_key",
                        "idempotencyKey must be printable ASCII without spaces or '#'");
            }
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
