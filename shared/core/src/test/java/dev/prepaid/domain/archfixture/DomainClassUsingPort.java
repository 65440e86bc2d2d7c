package dev.prepaid.domain.archfixture;

import dev.prepaid.port.in.CreditCommands;

/** Test fixture: a domain class that breaks the layering. Only {@code ArchitectureTest} imports it. */
public final class DomainClassUsingPort {
    CreditCommands commands;
}
