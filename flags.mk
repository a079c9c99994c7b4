# The flags of the shipping binary, read by both the Makefile and CMakeLists.txt.
PINIT_VERSION := 0.1.0

# DESIGN.md §7: static, -Oz, no exceptions/RTTI/unwind tables, nothing from libstdc++.
# -flto (compile and link): inlining and dead code across files, 0.3 KB.
CXXFLAGS_PINIT := -std=c++20 -Oz -flto -static -fno-pie -no-pie -fno-ident -fno-exceptions -fno-rtti -fno-asynchronous-unwind-tables \
  -fno-unwind-tables -fomit-frame-pointer -fno-threadsafe-statics -ffunction-sections -fdata-sections -Wall -Wextra -Wshadow \
  -Wmissing-declarations -Werror=switch 
LDFLAGS_PINIT := -flto -Wl,--gc-sections -s -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--build-id=none \
  -Wl,-z,common-page-size=64 -Wl,--sort-section=alignment
# After the link: the compiler banners of libc's start-up objects (144 bytes with its header);
# then tools/strip-section-headers drops the section headers (0.9 KB on 64-bit arches).
STRIPFLAGS_PINIT := --remove-section=.comment
# Against musl only: no stdio linked in through getopt's message printer (see main.cpp). Should
# musl rename these internals, the link still works and the binary grows by 2.6 KB.
LDFLAGS_MUSL := -Wl,--defsym=__getopt_msg=pinit_no_stdio -Wl,--defsym=__stdio_exit=pinit_no_stdio

# Per architecture (make ARCH=NAME): Debian's GNU triplet (the compiler, its C++ headers),
# Debian's musl triplet (musl-dev's specs file) and flags of its own. arm64 GCC keeps frame
# pointers and unwind tables unless told (0.5 and 3 KB); the tiny code model (all code and data
# within 1 MB) makes an address one adr instead of adrp+add (1 KB).
ARCHES := x86_64 aarch64 armhf
GNU_x86_64 := x86_64-linux-gnu
MUSL_x86_64 := x86_64-linux-musl
GNU_aarch64 := aarch64-linux-gnu
MUSL_aarch64 := aarch64-linux-musl
CXXFLAGS_aarch64 := -mcmodel=tiny
GNU_armhf := arm-linux-gnueabihf
MUSL_armhf := arm-linux-musleabihf
