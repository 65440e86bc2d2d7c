/**
 * The one wiring place: every function's services built from an {@code Env}, clients built once per execution
 * environment. Each handler's no-arg constructor (Lambda's entry) is {@code this(XWiring.services(Env.system()))}
 * and the local runner goes through the same classes. The package is split across two jars so that each function
 * packs only what it uses: the ledger-only functions' wiring (DynamoDB / SQS) is in shared/aws; the payment
 * functions' ({@code PaymentWiring}, {@code AdminWiring}, {@code ReconciliationWiring}) in shared/providers, with
 * the provider SDKs. deployment's TemplateContentTest counts the variables a wiring class reads against the
 * functions whose code names it.
 */
package dev.prepaid.wiring;
