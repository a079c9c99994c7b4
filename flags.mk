# The flags of the shipping binary, read by both the Makefile and CMakeLists.txt.
PINIT_VERSION := 0.1.0

# DESIGN.md §7: static, -Oz, no exceptions/RTTI/unwind tables, nothing from libstdc++.
# -flto (compile and link): inlining and dead code across files, 0.3 KB.
CXXFLAGS_PINIT := -std=c++20 -Oz -flto -static -fno-pie -no-pie -fno-ident -fno-exceptions -fno-rtti -fno-asynchronous-unwind-tables \
  -fno-threadsafe-statics -ffunction-sections -fdata-sections -Wall -Wextra -Wshadow \
  -Wmissing-declarations -Werror=switch 
LDFLAGS_PINIT := -flto -Wl,--gc-sections -s -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--build-id=none \
  -Wl,-z,common-page-size=64 -Wl,--sort-section=alignment
# After the link: the compiler banners of libc's start-up objects (144 bytes with its header).
STRIPFLAGS_PINIT := --remove-section=.comment
# Against musl only: no stdio linked in through getopt's message printer (see main.cpp). Should
# musl rename these internals, the link still works and the binary grows by 2.6 KB.
LDFLAGS_MUSL := -Wl,--defsym=__getopt_msg=pinit_no_stdio -Wl,--defsym=__stdio_exit=pinit_no_stdio
