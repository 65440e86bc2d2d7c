package dev.prepaid.domain;

/** A debit the balance cannot cover (a negative balance, a debt, covers nothing). */
public final class InsufficientCreditsException extends DomainException {
    private final Credits balance;
    private final Credits required;

    public InsufficientCreditsException(Credits balance, Credits required) {
        super("insufficient_credits", "balance " + balance + " does not cover " + required);
        this.balance = balance;
        this.required = required;
    }

    public Credits balance() {
        return balance;
    }

    public Credits required() {
        return required;
    }
}
