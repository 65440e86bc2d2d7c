package dev.prepaid.domain;

/** A cumulative limit would be passed: refunds beyond the deducted amount, clawbacks beyond the credits sold. */
public final class LimitExceededException extends DomainException {
    private final Credits limit;
    private final Credits alreadyUsed;

    public LimitExceededException(String code, String message, Credits limit, Credits alreadyUsed) {
        super(code, message);
        this.limit = limit;
        this.alreadyUsed = alreadyUsed;
    }

    public Credits limit() {
        return limit;
    }

    public Credits alreadyUsed() {
        return alreadyUsed;
    }
}
