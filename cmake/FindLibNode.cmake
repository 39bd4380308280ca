# Finds V8 as shipped in Debian's libnode-dev (node 18, V8 10.2), on any architecture.
#
# Looks first in third_party/libnode (where .ci/install-deps unpacks the .debs when a newer
# nodejs package blocks `apt-get install libnode-dev`), then in the system. Never mixes the
# headers of one with the library of the other: node 20's /usr/include/node is V8 11, so the
# headers must say NODE_MODULE_VERSION 108 (node 18).
# Defines the imported target LibNode::LibNode, and
#   LIBNODE_RUNTIME_FILE  the shared library itself (symlinks resolved)
#   LIBNODE_SONAME        its soname (libnode.so.108), the name it is loaded by
#   LIBNODE_BUNDLED       TRUE when it comes from third_party (then `cmake --install` copies it)
set(_libnode_local "${CMAKE_SOURCE_DIR}/third_party/libnode/usr")
unset(LIBNODE_INCLUDE_DIR)
unset(LIBNODE_LIBRARY)
set(LIBNODE_BUNDLED FALSE)
foreach(_prefix "${_libnode_local}" /usr)
  set(_version_header "${_prefix}/include/node/node_version.h")
  if(NOT EXISTS "${_prefix}/include/node/v8.h" OR NOT EXISTS "${_version_header}")
    continue()
  endif()
  file(STRINGS "${_version_header}" _abi REGEX "^#define NODE_MODULE_VERSION 108$")
  if(NOT _abi)
    continue()  # another node's headers (e.g. node 20's V8 11)
  endif()
  # the library beside them: lib/<multiarch tuple>/ (Debian) or lib/; libnode.so (-dev's link)
  # or the versioned file itself
  set(_dirs "${_prefix}/lib")
  if(CMAKE_LIBRARY_ARCHITECTURE)
    list(PREPEND _dirs "${_prefix}/lib/${CMAKE_LIBRARY_ARCHITECTURE}")
  endif()
  foreach(_dir ${_dirs})
    file(GLOB _candidates "${_dir}/libnode.so" "${_dir}/libnode.so.108*")
    if(_candidates)
      list(GET _candidates 0 LIBNODE_LIBRARY)
      break()
    endif()
  endforeach()
  if(LIBNODE_LIBRARY)
    set(LIBNODE_INCLUDE_DIR "${_prefix}/include/node")
    if(_prefix STREQUAL _libnode_local)
      set(LIBNODE_BUNDLED TRUE)
    endif()
    break()
  endif()
endforeach()
if(NOT LIBNODE_LIBRARY)
  message(FATAL_ERROR "V8 (libnode108: headers of NODE_MODULE_VERSION 108 and libnode.so) not found: run .ci/install-deps")
endif()

get_filename_component(LIBNODE_RUNTIME_FILE "${LIBNODE_LIBRARY}" REALPATH)
# the soname from the ELF header: what the dynamic loader looks for
find_program(_objdump NAMES objdump ${CMAKE_OBJDUMP})
set(LIBNODE_SONAME)
if(_objdump)
  execute_process(COMMAND ${_objdump} -p "${LIBNODE_RUNTIME_FILE}" OUTPUT_VARIABLE _headers ERROR_QUIET)
  string(REGEX MATCH "SONAME +([^\n ]+)" _ "${_headers}")
  set(LIBNODE_SONAME "${CMAKE_MATCH_1}")
endif()
if(NOT LIBNODE_SONAME)
  get_filename_component(LIBNODE_SONAME "${LIBNODE_RUNTIME_FILE}" NAME)
endif()

add_library(LibNode::LibNode SHARED IMPORTED)
set_target_properties(LibNode::LibNode PROPERTIES
  IMPORTED_LOCATION "${LIBNODE_RUNTIME_FILE}"
  IMPORTED_SONAME "${LIBNODE_SONAME}"
  INTERFACE_INCLUDE_DIRECTORIES "${LIBNODE_INCLUDE_DIR}")
message(STATUS "V8 from ${LIBNODE_RUNTIME_FILE} (${LIBNODE_SONAME})")
