# The arches other than the host's (flags.mk ARCHES): each binary built by the Makefile (make
# ARCH=...), then run under qemu-user through binfmt_misc: its size budget, the unit tests
# (cross-compiled against that arch's glibc, with GoogleTest's sources) and the entrypoint-mode
# integration tests (the same test binary, pinit the foreign one: PINIT_TEST_BIN).
# -DPINIT_CROSS_REQUIRED=ON (the README's test command) makes a missing cross compiler, musl or
# qemu registration a configure error instead of leaving that arch out.
option(PINIT_CROSS_REQUIRED "fail, not skip, an arch that cannot be built or run" OFF)
find_program(make_program make REQUIRED)
set(gtest_src /usr/src/googletest/googletest)
set(qemu_aarch64 qemu-aarch64)
set(qemu_armhf qemu-arm)
# What qemu-user (7.2) cannot run, so left out under it; every other integration test runs.
set(qemu_cannot
  # clone(2) with CLONE_NEW* flags: EINVAL from qemu itself (and unshare(CLONE_NEWUSER) too:
  # qemu is multi-threaded); setns(mnt) likewise. So no --new-ns, --join or their users.
  */NewNs RootAndRootless/* NewNsRootless.* NewNsLauncher.* Join.* JobControlJoin.* Network.*
  PidFile.SymlinkToARootOnlyFileLeavesTheFileUntouched PidFile.AnotherUsersFileIsReplacedNotTruncated
  PidFile.AnyValidNameWorksAndATooLongOneGives125 PidFile.TheCommandStartsOnlyOnceThePidFileIsWritten
  PidFile.OnlyTheLauncherThatWroteTheFileRemovesIt Pause.ABareHostPodReapsWhatReachesItAndEndsOnTerm
  RootfsOptions.MountOptionsImplyNewNsAndStayInside StatusFd.AClosedOrFullPipeNeverBlocksOrKillsPinit
  # prctl(PR_SET_CHILD_SUBREAPER): EINVAL, so no orphan reaches pinit unless it is PID 1.
  Cascade.* Shutdown.AsSubreaper* Shutdown.AForkLoopRunningDuringShutdownIsCleanedUp
  Shutdown.GraceFromEnvironmentAndVerboseLogsTheSteps Shutdown.WarnReapNamesTheLingerersItReaps
  Shutdown.ProcOfAnotherPidNamespaceIsNeverWalked Modes/WarnReap.*
  # vfork runs as fork: the exec errno the child leaves for pinit is lost (127, no message).
  ExitStatus.CommandNotFoundGives127AndNamesTheCommand
  ExitStatus.CommandNotExecutableGives126WithCommandAndErrno
  ExitStatus.ScriptWithAMissingInterpreterSaysBadInterpreter
  ExitStatus.CommandIsSearchedInPathAsExecvpDoes
  # qemu passes the environment in reverse order; binfmt's O flag leaves the binary open on
  # an fd the command inherits; guest RT signal numbers are the host's minus 2 (so RTMAX and
  # RTMAX-1 do not exist for the guest, and -r RTMIN+N means another host signal).
  ChildState.ArgvAndEnvironmentArriveByteExact Modes/BothModes.ChildGetsTheClosedStandardFdsPinitGot/*
  Modes/Signals.RewriteForwardsFromAsToAndZeroDrops/*
  # Docker and podman run the host's binary.
  Docker* Podman*)
list(JOIN qemu_cannot ":" qemu_skip)
set(qemu_skip "-${qemu_skip}")

foreach(arch ${ARCHES})
  if(arch STREQUAL pinit_arch)
    continue()
  endif()
  set(gnu ${GNU_${arch}})
  find_program(cxx_${arch} ${gnu}-g++)
  set(binfmt /proc/sys/fs/binfmt_misc/${qemu_${arch}})
  set(missing)
  if(NOT cxx_${arch})
    list(APPEND missing "${gnu}-g++ (g++-${gnu})")
  endif()
  if(NOT EXISTS /usr/lib/${MUSL_${arch}}/musl-gcc.specs)
    list(APPEND missing "Debian's musl-dev for ${arch}")
  endif()
  if(NOT EXISTS ${gtest_src}/src/gtest-all.cc)
    list(APPEND missing "GoogleTest's sources (libgtest-dev)")
  endif()
  if(NOT EXISTS ${binfmt})
    list(APPEND missing "qemu-user-static registered in binfmt_misc (${binfmt})")
  endif()
  if(missing)
    if(PINIT_CROSS_REQUIRED)
      message(FATAL_ERROR "${arch}: missing ${missing}")
    endif()
    message(STATUS "${arch} left out: missing ${missing}")
    continue()
  endif()

  set(out ${CMAKE_BINARY_DIR}/arch/${arch})
  add_custom_target(pinit-${arch} ALL
    COMMAND ${make_program} -s -C ${CMAKE_SOURCE_DIR} ARCH=${arch} BUILD=${CMAKE_BINARY_DIR}/arch
    BYPRODUCTS ${out}/pinit ${out}/pinit.map COMMENT "make ARCH=${arch}" VERBATIM)
  add_test(NAME packaging.size_budget.${arch}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/packaging/size_budget.sh ${out}/pinit ${out}/pinit.map)
  set_tests_properties(packaging.size_budget.${arch} PROPERTIES LABELS packaging)

  # GoogleTest itself once, then the unit tests; static, so qemu needs no sysroot.
  set(cross_flags -std=c++20 -O1 -I${gtest_src}/include -I${gtest_src})
  add_custom_command(OUTPUT ${out}/gtest-all.o
    COMMAND ${cxx_${arch}} ${cross_flags} -c ${gtest_src}/src/gtest-all.cc -o ${out}/gtest-all.o
    COMMENT "GoogleTest for ${arch}" VERBATIM)
  add_custom_command(OUTPUT ${out}/unit_tests
    COMMAND ${cxx_${arch}} ${cross_flags} -I${CMAKE_SOURCE_DIR}/src -static -pthread
      ${unit_sources} ${gtest_src}/src/gtest_main.cc ${out}/gtest-all.o -o ${out}/unit_tests
    DEPENDS ${unit_sources} ${out}/gtest-all.o COMMENT "unit tests for ${arch}" VERBATIM)
  add_custom_target(unit_tests-${arch} ALL DEPENDS ${out}/unit_tests)
  add_test(NAME ${arch}.unit_tests COMMAND ${out}/unit_tests --gtest_brief=1)

  gtest_discover_tests(integration_tests TEST_PREFIX "${arch}." TEST_FILTER "${qemu_skip}"
    DISCOVERY_TIMEOUT 30 PROPERTIES TIMEOUT 300 ENVIRONMENT "PINIT_TEST_BIN=${out}/pinit")
  add_dependencies(integration_tests pinit-${arch})
endforeach()
