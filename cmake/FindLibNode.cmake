# Finds V8 as shipped in Debian's libnode-dev (node 18, V8 10.2).
#
# Looks first in third_party/libnode (where .ci/install-deps unpacks the .debs when a newer
# nodejs package blocks `apt-get install libnode-dev`), then in the system. Never mixes the
# headers of one with the library of the other: node 20's /usr/include/node is V8 11.
# Defines the imported target LibNode::LibNode.
set(_libnode_local "${CMAKE_SOURCE_DIR}/third_party/libnode/usr")
if(EXISTS "${_libnode_local}/include/node/v8.h")
  set(LIBNODE_INCLUDE_DIR "${_libnode_local}/include/node")
  set(LIBNODE_LIBRARY "${_libnode_local}/lib/x86_64-linux-gnu/libnode.so.108")
elseif(EXISTS "/usr/lib/x86_64-linux-gnu/libnode.so.108" AND EXISTS "/usr/include/node/v8.h")
  set(LIBNODE_INCLUDE_DIR "/usr/include/node")
  set(LIBNODE_LIBRARY "/usr/lib/x86_64-linux-gnu/libnode.so.108")
endif()
if(NOT LIBNODE_LIBRARY OR NOT EXISTS "${LIBNODE_LIBRARY}")
  message(FATAL_ERROR "V8 (libnode108) not found: run .ci/install-deps")
endif()
add_library(LibNode::LibNode SHARED IMPORTED)
set_target_properties(LibNode::LibNode PROPERTIES
  IMPORTED_LOCATION "${LIBNODE_LIBRARY}"
  IMPORTED_NO_SONAME FALSE
  INTERFACE_INCLUDE_DIRECTORIES "${LIBNODE_INCLUDE_DIR}")
message(STATUS "V8 from ${LIBNODE_LIBRARY}")
