# Build targets for `sam build` (template.yaml: each function has Metadata BuildMethod: makefile).
#
# SAM runs `make --makefile functions/<name>/Makefile build-<LogicalId>` with ARTIFACTS_DIR set, in a scratch
# copy of functions/<name>; that Makefile includes this one. Everything here is found from this file's own
# location, never from the working directory, so the build runs in the real checkout: Maven builds the
# function's module inside the reactor (with the shared modules it depends on, -am), and the zip it packages
# (functions/<name>/target/<name>.zip, every runtime jar under lib/) is unpacked into ARTIFACTS_DIR, the layout
# the Lambda Java runtime loads. By hand:
#   make build-DeductCreditsFunction ARTIFACTS_DIR=/tmp/deduct
#
# Needs GNU make, Maven (MVN, default mvn) and unzip. One build at a time: concurrent Maven builds would share
# the shared modules' target/ folders (so no `sam build --parallel`).

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
MVN ?= mvn
MVN_FLAGS ?= -q -B

# template.yaml logical id -> Maven module under functions/ (the zip is named after the module)
MODULE_DeductCreditsFunction := deduct-credits
MODULE_CreditsQueryFunction := credits-query
MODULE_CreateOrderFunction := create-order
MODULE_CallbackFunction := callback
MODULE_WebhookFunction := webhook
MODULE_FulfilmentFunction := fulfilment
MODULE_ReconciliationFunction := reconciliation
MODULE_AdminFunction := admin
MODULE_NotFoundFunction := not-found
MODULE_AppWebhooksFunction := app-webhooks
MODULE_AutoTopupFunction := auto-topup

FUNCTIONS := DeductCreditsFunction CreditsQueryFunction CreateOrderFunction CallbackFunction WebhookFunction \
	FulfilmentFunction ReconciliationFunction AdminFunction NotFoundFunction AppWebhooksFunction \
	AutoTopupFunction

.PHONY: help $(addprefix build-,$(FUNCTIONS))

help:
	@echo "sam build targets (ARTIFACTS_DIR=<dir> required): $(addprefix build-,$(FUNCTIONS))"

# $(1): the Maven module. ARTIFACTS_DIR is checked first: `rm -rf $(ARTIFACTS_DIR)/lib` must never run on "/lib".
define build_module
	@if [ -z "$(ARTIFACTS_DIR)" ] || [ "$(abspath $(ARTIFACTS_DIR))" = "/" ]; then \
		echo "ARTIFACTS_DIR must name the artifact directory (sam build sets it)" >&2; exit 2; fi
	$(MVN) $(MVN_FLAGS) -f "$(ROOT)/pom.xml" -pl functions/$(1) -am package -DskipTests
	rm -rf "$(ARTIFACTS_DIR)/lib"
	mkdir -p "$(ARTIFACTS_DIR)"
	unzip -q -o "$(ROOT)/functions/$(1)/target/$(1).zip" -d "$(ARTIFACTS_DIR)"
endef

build-DeductCreditsFunction:
	$(call build_module,$(MODULE_DeductCreditsFunction))

build-CreditsQueryFunction:
	$(call build_module,$(MODULE_CreditsQueryFunction))

build-CreateOrderFunction:
	$(call build_module,$(MODULE_CreateOrderFunction))

build-CallbackFunction:
	$(call build_module,$(MODULE_CallbackFunction))

build-WebhookFunction:
	$(call build_module,$(MODULE_WebhookFunction))

build-FulfilmentFunction:
	$(call build_module,$(MODULE_FulfilmentFunction))

build-ReconciliationFunction:
	$(call build_module,$(MODULE_ReconciliationFunction))

build-AdminFunction:
	$(call build_module,$(MODULE_AdminFunction))

build-NotFoundFunction:
	$(call build_module,$(MODULE_NotFoundFunction))

build-AppWebhooksFunction:
	$(call build_module,$(MODULE_AppWebhooksFunction))

build-AutoTopupFunction:
	$(call build_module,$(MODULE_AutoTopupFunction))
