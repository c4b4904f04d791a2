# sevqemu — see README.md.  `make demo` and `make check` set up a fresh
# Debian 12 machine themselves (as root, with apt-get).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
XML_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
XML_LIBS := $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null || echo -lxml2)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
# nettle: the launch digests, HMAC and AES-CTR of measure/, linked as a
# shared library.  Debian builds libnettle with BIND_NOW, so loading it
# resolves ~470 more relocations at every start: make bench's typical
# guest went from 3.43M to 3.89M instructions (1.07x to 1.22x xmllint).
NETTLE_CFLAGS := $(shell $(PKG_CONFIG) --cflags nettle 2>/dev/null)
NETTLE_LIBS := $(shell $(PKG_CONFIG) --libs nettle 2>/dev/null || echo -lnettle)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) -I. $(XML_CFLAGS) $(NETTLE_CFLAGS) -D_FORTIFY_SOURCE=2 $(CFLAGS)
# libb64 and jansson are small and linked in: each shared library costs
# the dynamic loader more at start-up than sevqemu spends on a typical guest
# (make bench: 3.69M instructions with them shared, 3.43M linked in).
LIBS := $(XML_LIBS) -Wl,-Bstatic -lb64 -ljansson -Wl,-Bdynamic $(NETTLE_LIBS)

# The flow's folders (README: Layout): shared utilities, XML -> struct
# domain, struct domain -> argv, the acting side, and the launch
# measurement (measure/: the guest owner's side).
FLOW_DIRS := lib parse emit act measure
LIB_SRC := $(foreach d,$(FLOW_DIRS),$(wildcard $(d)/*.c))
# Object dir and program; check-sanitize builds into build-asan/ instead.
BUILD ?= build
PROG ?= sevqemu
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
HEADERS := $(foreach d,$(FLOW_DIRS),$(wildcard $(d)/*.h))

# Debian 12 packages the build, the tests and the demo need.  The demo reads
# OVMF's VARS template and checks the emulator it prints (tests/demo-files.py
# makes sure nothing else it touches is missing from these lists).
DEPS_BUILD := build-essential pkg-config libxml2-dev libb64-dev libjansson-dev \
	nettle-dev
DEPS_DEMO := ovmf qemu-system-x86
# swtpm and swtpm-tools run a guest's emulated TPM; Debian 12's virtiofsd
# comes with qemu-system-x86 (qemu-system-common: /usr/lib/qemu/virtiofsd),
# later releases have a virtiofsd package of its own.  dbus-daemon is the
# private bus of D-Bus graphics.  qemu-system-gui has vhost-user-gpu
# (/usr/lib/qemu/vhost-user-gpu), the helper of <driver name='vhostuser'> video.
DEPS_TEST := libcmocka-dev libxml2-utils qemu-system-x86 qemu-utils ovmf \
	mandoc valgrind python3 clang libclang-rt-14-dev python3-cryptography strace \
	swtpm swtpm-tools dbus-daemon qemu-system-gui
DEMO := ./sevqemu --dry-run -d build/demo-state testdata/demo.xml

.PHONY: all deps deps-test demo check test clean install bench

all: $(PROG)

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(PROG): $(BUILD)/sevqemu.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# The test build: the same objects, and a main that obeys the test hooks
# (SEVQEMU_TEST_CPUID, SEVQEMU_TEST_HOST_ROOT).  The shipped sevqemu has
# none: tests/cmdline.sh checks that it ignores them.
TEST_PROG ?= $(BUILD)/sevqemu-test
$(BUILD)/sevqemu-hooks.o: sevqemu.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DSEVQEMU_TEST_HOOKS -c -o $@ sevqemu.c

$(TEST_PROG): $(BUILD)/sevqemu-hooks.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# Installs what is missing (root + apt-get only); says what it does.
deps:
	@sh tests/deps.sh $(DEPS_BUILD) $(DEPS_DEMO)

deps-test:
	@sh tests/deps.sh $(DEPS_BUILD) $(DEPS_DEMO) $(DEPS_TEST)

demo: deps
	@$(MAKE) --no-print-directory sevqemu
	$(DEMO)

# Its own wall time, dependencies included, as the last line.
check:
	@start=$$(date +%s); \
	if $(MAKE) --no-print-directory deps-test && $(MAKE) --no-print-directory test; then \
		echo "check: all passed in $$(($$(date +%s) - start)) s"; \
	else echo "check: FAILED after $$(($$(date +%s) - start)) s"; exit 1; fi

test: sevqemu $(TEST_PROG) build/unit-tests
	./build/unit-tests
	python3 tests/cases.py
	sh tests/cmdline.sh
	sh tests/firmware.sh
	sh tests/host.sh
	python3 tests/libvirt-compare.py
	python3 tests/libvirt-compare-helpers.py
	python3 tests/corpus.py
	python3 tests/corpus-accept.py
	python3 tests/corpus-accept.py --ignore-unsupported
	sh tests/e2e.sh
	sh tests/helpers.sh
	sh tests/coalesce.sh
	sh tests/cli.sh
	sh tests/hostile.sh
	sh tests/measure.sh
	sh tests/trust.sh
	python3 tests/worstcase.py
	python3 tests/qemu-accept.py --cpu-host-as-max build/golden/*.args
	mandoc -Tlint -W warning man/sevqemu.1
	python3 tests/layout.py
	python3 tests/demo-files.py $(DEPS_BUILD) $(DEPS_DEMO) -- $(DEMO)

UNIT_SRC := $(wildcard tests/unit/*.c)
$(BUILD)/unit-tests: $(UNIT_SRC) $(LIB_OBJ) $(wildcard tests/unit/*.h)
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -o $@ $(UNIT_SRC) $(LIB_OBJ) $(LIBS) $(CMOCKA_LIBS)

install: sevqemu
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 sevqemu $(DESTDIR)$(BINDIR)/sevqemu
	install -m 0644 man/sevqemu.1 $(DESTDIR)$(MANDIR)/man1/sevqemu.1
	install -d $(DESTDIR)$(DATADIR)/bash-completion/completions
	install -m 0644 completions/sevqemu.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/sevqemu

# Speed and memory against xmllint --noout (the floor); not a test.
bench: sevqemu
	@sh tests/deps.sh valgrind libxml2-utils time
	sh bench/run.sh

clean:
	rm -rf build sevqemu

# --- Hardening (DESIGN §7): fuzzing, sanitizers, valgrind -----------------

.PHONY: fuzz fuzz-run fuzz-regress check-sanitize check-valgrind check-faults hostile clean-hardening

# libFuzzer + ASan + UBSan, compiled from the sources (not build/'s objects).
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Wall -Wextra -I. $(XML_CFLAGS)
SECONDS ?= 60

fuzz: fuzz/sevqemu-fuzz

fuzz/sevqemu-fuzz: fuzz/fuzz.c $(LIB_SRC) $(HEADERS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz.c $(LIB_SRC) $(LIBS)

# The seed corpus, assembled afresh (gitignored): testdata's good and bad
# guests, fuzz/corpus/'s extra seeds and every regression.
fuzz/corpus-run: FORCE
	@rm -rf $@ && mkdir -p $@
	@for f in testdata/*.xml; do cp "$$f" "$@/$${f##*/}"; done
	@for f in testdata/bad/*.xml; do cp "$$f" "$@/bad-$${f##*/}"; done
	@for f in fuzz/corpus/*; do [ ! -f "$$f" ] || cp "$$f" "$@/seed-$${f##*/}"; done
	@for f in fuzz/regressions/*; do [ ! -f "$$f" ] || cp "$$f" "$@/regress-$${f##*/}"; done
	@echo "$$(ls $@ | wc -l) seed inputs in $@"

# New inputs go to build/fuzz-corpus/ (kept between runs), crashes to
# fuzz/crashes/; any crash, leak, timeout or memory blow-up fails the run.
fuzz-run: fuzz/sevqemu-fuzz fuzz/corpus-run
	@mkdir -p build/fuzz-corpus fuzz/crashes
	./fuzz/sevqemu-fuzz -max_total_time=$(SECONDS) -dict=fuzz/sevqemu.dict \
		-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=fuzz/crashes/ build/fuzz-corpus fuzz/corpus-run

# Every input that once crashed runs once more.
fuzz-regress: fuzz/sevqemu-fuzz
	@mkdir -p build; set -- fuzz/regressions/*; \
	if [ ! -f "$$1" ]; then echo "fuzz-regress: no inputs"; \
	elif ./fuzz/sevqemu-fuzz -runs=1 "$$@" >build/fuzz-regress.log 2>&1; then \
		echo "fuzz-regress: $$# inputs passed"; \
	else grep -A12 -E '^==[0-9]+==ERROR|runtime error|^SUMMARY' build/fuzz-regress.log; \
		echo "fuzz-regress: FAILED (full log: build/fuzz-regress.log)"; exit 1; fi

# The whole suite again, built by gcc with ASan + UBSan in build-asan/.  Any
# report fails it, even where a test does not look at the exit status.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
ASAN_DIR := build-asan

check-sanitize:
	@$(MAKE) --no-print-directory BUILD=$(ASAN_DIR) PROG=$(ASAN_DIR)/sevqemu \
		CC=gcc CFLAGS="-O1 -g $(SAN_FLAGS)" $(ASAN_DIR)/sevqemu \
		$(ASAN_DIR)/sevqemu-test $(ASAN_DIR)/unit-tests
	@rm -rf $(ASAN_DIR)/logs && mkdir -p $(ASAN_DIR)/logs
	@logs=$(CURDIR)/$(ASAN_DIR)/logs; fail=0; \
	ASAN_OPTIONS=detect_leaks=1:log_path=$$logs/asan; \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$$logs/ubsan; \
	SEVQEMU=$(ASAN_DIR)/sevqemu; SEVQEMU_HOOKS_BIN=$(ASAN_DIR)/sevqemu-test; \
	export ASAN_OPTIONS UBSAN_OPTIONS SEVQEMU SEVQEMU_HOOKS_BIN; \
	./$(ASAN_DIR)/unit-tests || fail=1; \
	python3 tests/cases.py || fail=1; \
	sh tests/cli.sh || fail=1; \
	sh tests/cmdline.sh || fail=1; \
	sh tests/coalesce.sh || fail=1; \
	sh tests/firmware.sh || fail=1; \
	sh tests/host.sh || fail=1; \
	sh tests/hostile.sh || fail=1; \
	sh tests/measure.sh || fail=1; \
	sh tests/trust.sh || fail=1; \
	if [ -n "$$(ls -A $$logs)" ]; then cat $$logs/*; \
		echo "check-sanitize: sanitizer reports above (in $$logs)"; fail=1; fi; \
	[ $$fail = 0 ] && echo "check-sanitize: clean"; [ $$fail = 0 ]
	@$(MAKE) --no-print-directory fuzz-regress

check-valgrind: sevqemu $(TEST_PROG) build/unit-tests
	sh tests/valgrind.sh

hostile: sevqemu
	sh tests/hostile.sh

# Crashes, concurrency and hostile machines against the file set (kill -9
# before every file system call, signals, parallel launches, a running
# guest, full and read-only mounts, ulimit -f).  Needs root and strace;
# what it cannot do it counts as skipped.
check-faults: sevqemu $(TEST_PROG)
	sh tests/faults.sh

FORCE:

clean-hardening:
	rm -rf $(ASAN_DIR) fuzz/sevqemu-fuzz fuzz/corpus-run build/fuzz-corpus
