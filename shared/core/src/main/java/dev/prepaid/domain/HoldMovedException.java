package dev.prepaid.domain;

/**
 * A hold transition lost: the hold was no longer active (another capture, release or expiry won), or a capture
 * met it past its expiry. Carries the hold as stored; the hold service decides the answer from it.
 */
public final class HoldMovedException extends DomainException {
    private final Hold current;

    public HoldMovedException(Hold current) {
        super("hold_" + current.status().wireName(), "hold " + current.holdId() + " is " + current.status().wireName());
        this.current = current;
    }

    public Hold current() {
        return current;
    }
}
