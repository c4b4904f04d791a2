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

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(XML_CFLAGS) -D_FORTIFY_SOURCE=2 $(CFLAGS)
LIBS := $(XML_LIBS) -lb64

PARSE_SRC := $(wildcard parse/*.c)
EMIT_SRC := $(wildcard emit/*.c)
LIB_SRC := $(PARSE_SRC) $(EMIT_SRC)
LIB_OBJ := $(LIB_SRC:%.c=build/%.o)
HEADERS := $(wildcard parse/*.h emit/*.h)

# Debian 12 packages the build, the tests and the demo need.
DEPS_BUILD := build-essential pkg-config libxml2-dev libb64-dev
DEPS_TEST := libcmocka-dev libxml2-utils qemu-system-x86 qemu-utils ovmf \
	mandoc valgrind python3

.PHONY: all deps deps-test demo check test unit golden bad accept lint clean install

all: sevqemu

build/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

sevqemu: build/sevqemu.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# Installs what is missing (root + apt-get only); says what it does.
deps:
	@sh tests/deps.sh $(DEPS_BUILD)

deps-test:
	@sh tests/deps.sh $(DEPS_BUILD) $(DEPS_TEST)

demo: deps
	@$(MAKE) --no-print-directory sevqemu
	./sevqemu --dry-run -d build/demo-state testdata/demo.xml

check: deps-test
	@$(MAKE) --no-print-directory test

test: sevqemu build/unit-tests
	./build/unit-tests
	sh tests/golden.sh
	sh tests/bad.sh
	sh tests/cli.sh
	python3 tests/qemu-accept.py build/golden/*.args
	mandoc -Tlint -W warning man/sevqemu.1

UNIT_SRC := $(wildcard tests/unit/*.c)
build/unit-tests: $(UNIT_SRC) $(LIB_OBJ) $(wildcard tests/unit/*.h)
	$(CC) $(ALL_CFLAGS) -Wno-unused-parameter -o $@ $(UNIT_SRC) $(LIB_OBJ) $(LIBS) $(CMOCKA_LIBS)

install: sevqemu
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 sevqemu $(DESTDIR)$(BINDIR)/sevqemu
	install -m 0644 man/sevqemu.1 $(DESTDIR)$(MANDIR)/man1/sevqemu.1

clean:
	rm -rf build sevqemu
