# XtractrSanitize.cmake — sanitizer and fuzzing builds of every target.
#
# Usage:
#   cmake -S . -B build-asan -DXTRACTR_SANITIZE=address,undefined          # gcc or clang
#   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DXTRACTR_SANITIZE=address,undefined -DXTRACTR_FUZZ=ON
#   cmake --build build-asan --target xtractr xtractr-indexer xtractr-v8 xtractr_unit_tests
#   (cd build-asan && . ./sanitizer.env && ctest -R 'unit:|sql:deep_nesting')
#
# How it works: -fsanitize=LIST on every compile and link, frames kept for the reports, and no
# recovery: the first AddressSanitizer or UndefinedBehaviorSanitizer error aborts the process
# (a test then fails). The extension is loaded by hosts that are not built with ASan (the
# sqlite3 shell, /usr/bin/python3, node): the ASan runtime must then be the first library of the
# process, so <build>/sanitizer.env exports LD_PRELOAD of the shared runtime — gcc's libasan.so,
# or clang's libclang_rt.asan-<arch>.so, which clang's programs then also link (-shared-libsan:
# one runtime per process) — with the options the runs need (see sanitizer.env's comments).
# XTRACTR_SANITIZED is defined for the code: js_loader.cc opens xtractr-v8.so without
# RTLD_DEEPBIND (ASan refuses it: the library would bypass its malloc); the indexer does not
# link jemalloc (ASan replaces malloc itself).
# XTRACTR_FUZZ (clang): coverage for libFuzzer on every target (-fsanitize=fuzzer-no-link) and
# the fuzz targets of tests/fuzz linked with -fsanitize=fuzzer; without it the same targets are
# built as programs that replay their committed inputs (tests/fuzz/replay_main.cc).
set(XTRACTR_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined (empty: none)")
option(XTRACTR_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; with XTRACTR_SANITIZE)" OFF)

set(XTRACTR_SANITIZER_RUNTIME "")
if(XTRACTR_SANITIZE)
  add_compile_options(-fsanitize=${XTRACTR_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${XTRACTR_SANITIZE})
  add_compile_definitions(XTRACTR_SANITIZED=1)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(runtime_name libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
  else()
    set(runtime_name libasan.so)
  endif()
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${runtime_name}
                  OUTPUT_VARIABLE runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(runtime "${runtime}" REALPATH)
  if(NOT EXISTS "${runtime}")
    message(FATAL_ERROR "xtractr: no ${runtime_name} beside ${CMAKE_CXX_COMPILER} (clang: libclang-rt-14-dev)")
  endif()
  if(XTRACTR_SANITIZE MATCHES "address")
    set(XTRACTR_SANITIZER_RUNTIME "${runtime}")
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # clang links its runtime statically into programs by default; with the hosts' preloaded
    # shared runtime inherited by the programs they start (the indexer), a second runtime
    # aborts: everything links the shared one, found where the compiler keeps it. The fuzz
    # targets keep the static runtime (tests/fuzz: libFuzzer puts libstdc++ before a shared
    # one, which ASan refuses), and run without LD_PRELOAD.
    set(XTRACTR_STATIC_SANITIZER_EXE_LINKER_FLAGS "${CMAKE_EXE_LINKER_FLAGS}")
    get_filename_component(runtime_dir "${runtime}" DIRECTORY)
    string(APPEND CMAKE_EXE_LINKER_FLAGS " -shared-libsan -Wl,-rpath,${runtime_dir}")
    string(APPEND CMAKE_SHARED_LINKER_FLAGS " -shared-libsan")
    string(APPEND CMAKE_MODULE_LINKER_FLAGS " -shared-libsan")
  endif()
  message(STATUS "xtractr: sanitizers ${XTRACTR_SANITIZE}; hosts preload '${XTRACTR_SANITIZER_RUNTIME}' (sanitizer.env)")
endif()

if(XTRACTR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "xtractr: XTRACTR_FUZZ needs clang (CC=clang CXX=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Wireshark's libwiretap-only tools (mergecap, editcap, capinfos, reordercap, randpkt) hang at
# exit with the ASan runtime preloaded: glibc's locale lock is found corrupted (readers below
# zero) when libp11-kit's destructor calls freelocale, and the process waits on it forever
# (sql:capture_identity's mergecap timed out). Tests call them by name from `.shell` and
# scripts; sanitizer.env puts <build>/sanitizer-bin first on PATH, where each is a wrapper that
# runs the real tool without LD_PRELOAD (they load nothing of ours). tshark and dumpcap are fine.
set(XTRACTR_SANITIZER_BIN "")
if(XTRACTR_SANITIZER_RUNTIME)
  set(XTRACTR_SANITIZER_BIN ${CMAKE_BINARY_DIR}/sanitizer-bin)
  foreach(tool mergecap editcap capinfos reordercap randpkt)
    find_program(XTRACTR_TOOL_${tool} ${tool})
    if(XTRACTR_TOOL_${tool})
      file(WRITE ${CMAKE_BINARY_DIR}/CMakeFiles/sanitizer-bin/${tool}
           "#!/bin/sh\n# sanitizer.env: ${tool} without the preloaded ASan runtime (cmake/XtractrSanitize.cmake)\n"
           "exec env -u LD_PRELOAD '${XTRACTR_TOOL_${tool}}' \"$@\"\n")
      file(COPY ${CMAKE_BINARY_DIR}/CMakeFiles/sanitizer-bin/${tool} DESTINATION ${XTRACTR_SANITIZER_BIN}
           FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
    endif()
  endforeach()
endif()

# What a shell sources before running a sanitized build's tests (LD_PRELOAD only when the ASan
# runtime must come first in hosts that are not built with it).
configure_file(${CMAKE_CURRENT_LIST_DIR}/sanitizer.env.in ${CMAKE_BINARY_DIR}/sanitizer.env @ONLY)
