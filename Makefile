# Builds build/pinit with make and g++ alone; `make test` sets up and runs the CMake/CTest suite.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build
MUSL_SPECS := /usr/lib/x86_64-linux-musl/musl-gcc.specs
CXX ?= g++
STRIP ?= strip
SOURCES := $(wildcard src/*.cpp)
HEADERS := $(wildcard src/*.hpp)

include flags.mk
# Shown by --version after " - git.", where `docker info` looks for an init's commit.
PINIT_COMMIT ?= $(or $(shell git rev-parse --short=7 HEAD 2>/dev/null),unknown)

ifneq ($(wildcard $(MUSL_SPECS)),)
  GXX_VER := $(shell $(CXX) -dumpversion | cut -d. -f1)
  LIBC_FLAGS := -specs $(MUSL_SPECS) -isystem /usr/include/c++/$(GXX_VER) \
    -isystem /usr/include/x86_64-linux-gnu/c++/$(GXX_VER) -D'__GLIBC_PREREQ(a,b)=0'
  LIBC_LDFLAGS := $(LDFLAGS_MUSL)
else ifneq ($(findstring musl,$(shell $(CXX) -dumpmachine)),)
  LIBC_LDFLAGS := $(LDFLAGS_MUSL)  # musl is the compiler's own libc (Alpine)
else
  $(warning musl-tools not installed: building against static glibc (much larger binary))
endif

.PHONY: all test install clean
.DELETE_ON_ERROR:
all: $(BUILD)/pinit

$(BUILD)/pinit: $(SOURCES) $(HEADERS) Makefile flags.mk
	@mkdir -p $(BUILD)
	$(CXX) $(CXXFLAGS_PINIT) -DPINIT_VERSION='"$(PINIT_VERSION)"' -DPINIT_COMMIT='"$(PINIT_COMMIT)"' $(LIBC_FLAGS) $(SOURCES) -o $@ $(LDFLAGS_PINIT) $(LIBC_LDFLAGS)
	$(STRIP) $(STRIPFLAGS_PINIT) $@

# The script installs what the suite needs first (musl-tools among it), so it builds the binary
# itself: no prerequisite here.
test:
	tests/setup/run-suite.sh

install: $(BUILD)/pinit
	install -D -m 0755 $(BUILD)/pinit $(DESTDIR)$(PREFIX)/bin/pinit
	install -D -m 0644 pinit.1 $(DESTDIR)$(PREFIX)/share/man/man1/pinit.1

clean:
	rm -rf $(BUILD)
