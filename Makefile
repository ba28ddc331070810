# pyupload developer tasks. `make test` needs only Go; `make conformance`
# needs Debian's python3 and twine (.ci/run installs them).

GO            ?= go
PYTHON        ?= /usr/bin/python3
GOLANGCI_LINT ?= golangci-lint
# Pinned: CI installs exactly this version through the Go module proxy.
GOLANGCI_LINT_VERSION := v2.15.0
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS       := -s -w -X main.version=$(VERSION)
# Release archives' and wheels' every entry's mtime, by default the last
# commit's time, so that a rebuild of the same commit gives the same bytes
# (1980-01-01 without git: a ZIP cannot say earlier).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315532800)
RELEASE_DIR   ?= dist/release
# Empty builds every target; e.g. RELEASE_TARGETS=linux/amd64,darwin/arm64
RELEASE_TARGETS ?=
FUZZTIME      ?= 15s
# The wheels' License-Expression. The repository declares no license (no LICENSE file, nothing in
# the README), so the wheels say so; set it when the project chooses one.
WHEEL_LICENSE ?= LicenseRef-Proprietary
WHEEL_TARGETS ?=
# A smoke run reports a crash without minimising it: minimising the inputs
# that bring new coverage stalls a short run. scripts/fuzz.sh also runs a
# target again after Go's -fuzztime deadline race (go.dev/issue/75804).
FUZZMINIMIZE  ?= 0
# package:target for every parser's fuzz target
FUZZ_TARGETS  := pkg/dist:FuzzParseFilename pkg/dist:FuzzParseMetadata pkg/dist:FuzzRead pkg/dist:FuzzScanArchive pkg/pep440:FuzzParseVersion \
                 pkg/pep440:FuzzParseSpecifierSet pkg/pep508:FuzzParseRequirement pkg/dist:FuzzLicenseExpression \
                 pkg/oidc:FuzzParseClaims pkg/mint:FuzzMint pkg/upload:FuzzErrorMessage internal/pypirc:FuzzParse \
                 cmd/pyupload:FuzzSplitAttached internal/ui:FuzzNeutralize internal/ui:FuzzTokenOutput \
                 internal/readapi:FuzzParseSimpleHTML internal/readapi:FuzzParseSimpleJSON cmd/pyupload:FuzzHostileAnswers \
                 pkg/rst:FuzzValidate internal/fakesigstore:FuzzCanonicalBody internal/fakesigstore:FuzzParseCertRequest \
                 internal/fakeindex:FuzzParseAttestations pkg/sigstore:FuzzParseAttestation pkg/sigstore:FuzzParseProvenance \
                 pkg/sigstore:FuzzParseTrustedRoot pkg/sigstore:FuzzParseSigningConfig pkg/sigstore:FuzzSameDistribution \
                 pkg/sigstore:FuzzServiceAnswers pkg/sigstore:FuzzCheckpoint pkg/sigstore:FuzzPrecertTBS \
                 internal/provenance:FuzzParseRelease pkg/tuf:FuzzCanonical pkg/tuf:FuzzParseMetadata pkg/tuf:FuzzKey \
                 pkg/tuf:FuzzRepositoryAnswers cmd/bench:FuzzParseDigest \
                 internal/twohash:FuzzAgainstLibraries

.PHONY: all build release check-go-install demo test race lint lint-install fuzz bench conformance pypirc-golden refdata rst-golden testdata clean

all: build test

## build: static pyupload and fakeindex binaries in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/pyupload ./cmd/pyupload
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/fakeindex ./cmd/fakeindex

## wheels: pyupload's wheels in dist/wheels/, one per platform (docs/wheels.md); needs a PEP 440
## VERSION: make wheels VERSION=1.2.0 (WHEEL_TARGETS=linux/amd64,... for some platforms only);
## it first removes the wheels an earlier run left there
.PHONY: wheels
wheels:
	rm -f dist/wheels/*.whl
	$(GO) run ./cmd/mkwheel -version '$(VERSION)' -license '$(WHEEL_LICENSE)' \
		-source-date-epoch '$(SOURCE_DATE_EPOCH)' -targets '$(WHEEL_TARGETS)' -go '$(GO)' -out dist/wheels

## release: static, reproducible release archives for every platform in $(RELEASE_DIR)
## (pyupload_<version>_<os>_<arch>.tar.gz or .zip, and SHA256SUMS): make release VERSION=x.y.z
release:
	rm -rf $(RELEASE_DIR)
	$(GO) run ./cmd/release -go '$(GO)' -version '$(VERSION)' -source-date-epoch '$(SOURCE_DATE_EPOCH)' \
		-out '$(RELEASE_DIR)' -targets '$(RELEASE_TARGETS)'

## check-go-install: `go install .../cmd/pyupload@latest` from a local proxy serving HEAD, offline
check-go-install:
	GO=$(GO) scripts/check-go-install.sh

## demo: publish the sample dists to a local fake index, offline
demo: build
	scripts/demo.sh

## test: the whole test suite (unit, golden, corpus, fuzz seeds) with the race detector
test:
	$(GO) test -race -shuffle=on ./...

## lint: gofmt, go vet and golangci-lint
lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags conformance ./...
	$(GOLANGCI_LINT) run --build-tags conformance ./...

lint-install:
	$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

## fuzz: a short run of every fuzz target (FUZZTIME each)
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) FUZZMINIMIZE=$(FUZZMINIMIZE) scripts/fuzz.sh $(FUZZ_TARGETS)

## bench: one side-by-side table (twine when installed, pyupload -j1, default, -j8 and the physical
## limits) of B1 (40 x 8 MiB wheels over 100 ms, 20 MiB/s links), B1-mixed (a release), B2 (a
## 1 GiB wheel), B3 (1,000 small wheels), B4 (--version) and B5 (check of 500 dists) against a fresh
## TLS bench-mode fakeindex per run, with the digest benchmark's figure; writes docs/benchmarks.md.
## BENCH_FLAGS='-scale 0.1 -rounds 1 -only B1,B5' for a quick run
BENCH_FLAGS ?=
bench: build
	$(GO) run ./cmd/bench -go '$(GO)' $(BENCH_FLAGS)
	$(GO) test ./pkg/rst -run='^$$' -bench=BenchmarkValidateReadme

## conformance: compare with Debian's python3 email parser and twine check
conformance:
	$(GO) test -tags conformance -run Conformance -count=1 ./pkg/dist

## pypirc-golden: rewrite internal/pypirc's golden files from Python's configparser, through
## twine's get_config (Debian's python3; twine if installed)
pypirc-golden:
	$(PYTHON) scripts/pypirc-golden.py

## refdata: regenerate internal/refdata (packaging's SPDX ids, trove classifiers) from the releases
## PyPI pins, downloaded from PyPI, and the license-expression answers of packaging itself.
## Offline: make refdata REFDATA_FLAGS='--packaging-src DIR --trove-src DIR' (see the script)
refdata:
	$(PYTHON) scripts/refdata.py $(REFDATA_FLAGS) \
		--license-corpus pkg/dist/testdata/license/corpus.txt pkg/dist/testdata/license/packaging.jsonl

## rst-golden: record docutils' verdict (readme_renderer, Debian's python3) on pkg/rst's
## hand-written cases in pkg/rst/testdata/golden.json
rst-golden:
	$(PYTHON) scripts/rst-golden.py

## testdata: rebuild the sample dists (needs Debian's python3 build backends)
testdata:
	testdata/build-dists.sh

clean:
	rm -rf bin $(RELEASE_DIR)
