# Builds build/pinit with make and g++ alone; `make test` sets up and runs the CMake/CTest suite.
# `make ARCH=aarch64` (or armhf, x86_64) builds build/ARCH/pinit, with Debian's cross compiler
# and Debian's musl for that arch when it is not the host's.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build
STRIP ?= strip
SOURCES := $(wildcard src/*.cpp)
HEADERS := $(wildcard src/*.hpp)

include flags.mk
# Shown by --version after " - git.", where `docker info` looks for an init's commit.
PINIT_COMMIT ?= $(or $(shell git rev-parse --short=7 HEAD 2>/dev/null),unknown)

# uname -m's names for the host; Debian's armhf machines say armv7l (or armv8l on arm64 CPUs).
HOST_ARCH := $(patsubst armv%l,armhf,$(shell uname -m))
ifeq ($(origin ARCH),undefined)
  ARCH := $(HOST_ARCH)
  PINIT := $(BUILD)/pinit
else
  PINIT := $(BUILD)/$(ARCH)/pinit
endif
ifeq ($(filter $(ARCH),$(ARCHES)),)
  $(error ARCH=$(ARCH): pinit builds for $(ARCHES))
endif
GNU := $(GNU_$(ARCH))
MUSL_SPECS := /usr/lib/$(MUSL_$(ARCH))/musl-gcc.specs
ifeq ($(ARCH),$(HOST_ARCH))
  CXX_INCLUDE := /usr/include/c++/VER /usr/include/$(GNU)/c++/VER
else
  CXX := $(GNU)-g++
  STRIP := $(GNU)-strip
  CXX_INCLUDE := /usr/$(GNU)/include/c++/VER /usr/$(GNU)/include/c++/VER/$(GNU)
  ifeq ($(wildcard $(MUSL_SPECS)),)
    $(error ARCH=$(ARCH) needs $(CXX) and Debian's musl for it: dpkg --add-architecture \
      $(ARCH:aarch64=arm64), then apt-get install g++-$(GNU) musl-dev:$(ARCH:aarch64=arm64))
  endif
endif

ifneq ($(wildcard $(MUSL_SPECS)),)
  GXX_VER := $(shell $(CXX) -dumpversion | cut -d. -f1)
  LIBC_FLAGS := -specs $(MUSL_SPECS) $(addprefix -isystem ,$(subst VER,$(GXX_VER),$(CXX_INCLUDE))) \
    -D'__GLIBC_PREREQ(a,b)=0'
  LIBC_LDFLAGS := $(LDFLAGS_MUSL)
  # musl's own start files only, for a static non-PIE program: not the specs' Scrt1.o (PIE),
  # nor GCC's crtbeginS/crtendS (frame and TM-clone registration pinit has no use for).
  MUSL_LIB := $(dir $(MUSL_SPECS))
  START_FILES := -nostartfiles $(MUSL_LIB)crt1.o $(MUSL_LIB)crti.o
  END_FILES := $(MUSL_LIB)crtn.o
else ifneq ($(findstring musl,$(shell $(CXX) -dumpmachine)),)
  LIBC_LDFLAGS := $(LDFLAGS_MUSL)  # musl is the compiler's own libc (Alpine)
else
  $(warning musl-tools not installed: building against static glibc (much larger binary))
endif

.PHONY: all test install packaging clean dist FORCE
.DELETE_ON_ERROR:
all: $(PINIT)

$(PINIT): $(SOURCES) $(HEADERS) Makefile flags.mk tools/strip-section-headers
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS_PINIT) $(CXXFLAGS_$(ARCH)) -DPINIT_VERSION='"$(PINIT_VERSION)"' -DPINIT_COMMIT='"$(PINIT_COMMIT)"' $(LIBC_FLAGS) $(START_FILES) $(SOURCES) $(END_FILES) -o $@ $(LDFLAGS_PINIT) $(LIBC_LDFLAGS) -Wl,-Map=$@.map
	$(STRIP) $(STRIPFLAGS_PINIT) $@
	tools/strip-section-headers $@

# The script installs what the suite needs first (musl-tools among it), so it builds the binary
# itself: no prerequisite here.
test:
	tests/setup/run-suite.sh

install: $(PINIT)
	install -D -m 0755 $(PINIT) $(DESTDIR)$(PREFIX)/bin/pinit
	install -D -m 0644 pinit.1 $(DESTDIR)$(PREFIX)/share/man/man1/pinit.1

# The release, the same bytes from every clean build of a commit: each arch's binary, their
# SHA256SUMS and the source tarball (git archive: file times are the commit's).
DIST := dist
DIST_FILES := $(foreach a,$(ARCHES),pinit-$(PINIT_VERSION)-$(a)) pinit-$(PINIT_VERSION).tar.gz
dist: $(addprefix $(DIST)/,$(DIST_FILES))
	cd $(DIST) && sha256sum $(DIST_FILES) >SHA256SUMS

$(DIST)/pinit-$(PINIT_VERSION)-%: FORCE
	$(MAKE) ARCH=$*
	install -D -m 0755 $(BUILD)/$*/pinit $@

$(DIST)/pinit-$(PINIT_VERSION).tar.gz: FORCE
	@mkdir -p $(@D)
	@git diff --quiet HEAD || { echo "make dist: uncommitted changes; the tarball is HEAD" >&2; exit 1; }
	git archive --format=tar.gz --prefix=pinit-$(PINIT_VERSION)/ -o $@ HEAD

# The packaging files with flags.mk's version for @VERSION@, under build/packaging:
# rpm/pinit.spec, alpine/APKBUILD and a complete debian/ (packaging/debian with its changelog
# made). Made afresh each time, so nothing of an older tree stays.
PACKAGING := $(BUILD)/packaging
PACKAGING_TEMPLATES := rpm/pinit.spec alpine/APKBUILD debian/changelog
packaging:
	rm -rf $(PACKAGING)
	mkdir -p $(PACKAGING)/rpm $(PACKAGING)/alpine
	cp -r packaging/debian $(PACKAGING)/debian
	rm $(PACKAGING)/debian/changelog.in
	set -e; for f in $(PACKAGING_TEMPLATES); do \
	  sed 's/@VERSION@/$(PINIT_VERSION)/g' packaging/$$f.in >$(PACKAGING)/$$f; done

clean:
	rm -rf $(BUILD) $(DIST)
