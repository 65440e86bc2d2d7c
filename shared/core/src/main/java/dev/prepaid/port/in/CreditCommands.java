package dev.prepaid.port.in;

/** The write side of the credits API: what the app's backend asks of prepaid. */
public interface CreditCommands {

    DeductionResult deduct(DeductCreditsCommand command);

    RefundResult refund(RefundUsageCommand command);

    GrantResult grant(GrantCreditsCommand command);
}
