package dev.prepaid.domain.payment;

import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Our id for one purchase attempt; also the provider-side idempotency key for creating its checkout. */
public record OrderId(String value) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public OrderId {
        if (value == null || !value.matches("ord_[a-z0-9]{24}")) {
            throw new ValidationException("invalid_order_id", "not an order id");
        }
    }

    public static OrderId random() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return new OrderId("ord_" + HexFormat.of().formatHex(bytes));
    }

    /** The same user and Idempotency-Key always name the same order: a retried create-order finds it. */
    public static OrderId forKey(UserId user, String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((user.value() + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
            return new OrderId("ord_" + HexFormat.of().formatHex(digest, 0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isValid(String value) {
        return value != null && value.matches("ord_[a-z0-9]{24}");
    }

    @Override
    public String toString() {
        return value;
    }
}
