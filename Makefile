# StreamOps: `make test` builds everything and runs every test; `make demo` runs the example
# pipeline on this machine. Both set up what they need (a JDK >= 21, RabbitMQ) themselves.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# A JDK >= 21: the one in use if it is new enough, else the newest under /usr/lib/jvm.
JAVA_HOME := $(shell .ci/java-home)
ifeq ($(JAVA_HOME),)
$(error no JDK 21 or newer found: install one (e.g. Temurin 25) or set JAVA_HOME)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)

MVN := ./mvnw -B -ntp

.PHONY: help build test demo bench rabbitmq clean jdk

help:
	@echo "make test    build everything and run every test (starts RabbitMQ if needed)"
	@echo "make demo    run the example pipeline locally (see README)"
	@echo "make bench   measure the sidecar and the operator against their limits"
	@echo "make build   build the jars without running tests"
	@echo "make clean   remove build output"

jdk:
	@echo "using JDK at $(JAVA_HOME)"

rabbitmq:
	@.ci/ensure-rabbitmq

build: jdk
	$(MVN) -DskipTests package

test: jdk rabbitmq
	$(MVN) verify

demo: jdk rabbitmq
	@echo "building the jars (quiet; 'make build' shows the whole Maven output)..."
	@$(MVN) -q -DskipTests package
	java -jar localrun/target/localrun.jar demo $(DEMO_ARGS)

bench: jdk rabbitmq
	@echo "building the jars (quiet; 'make build' shows the whole Maven output)..."
	@$(MVN) -q -DskipTests package
	java -jar bench/target/bench.jar $(BENCH_ARGS)

clean: jdk
	$(MVN) -q clean
