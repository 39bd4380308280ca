# What `cmake --install build [--prefix P]` puts where (P is /usr unless configured otherwise):
#
#   P/lib/<multiarch>/xtractr/xtractr.so        the extension
#   P/lib/<multiarch>/xtractr/xtractr-v8.so     its JavaScript runtime (udf/js_module.h)
#   P/lib/<multiarch>/xtractr/xtractr-indexer   its indexing process (index/build_process.h)
#   P/lib/<multiarch>/xtractr/libnode.so.108    V8, private (XTRACTR_PRIVATE_LIBNODE, below)
#   P/lib/<multiarch>/xtractr.so -> xtractr/xtractr.so
#   P/share/xtractr/sql/                        the saved reports (sql/README.md)
#
# `.load xtractr` (no path) asks the dynamic loader for "xtractr" and "xtractr.so"; it looks
# in the system library folders (and LD_LIBRARY_PATH), never in /usr/local/lib (ldconfig's
# cache holds only lib*.so names) — hence the default prefix /usr, where the link above lands
# in a folder it searches. Each file finds its neighbours from its own location, so an install
# can be copied or moved anywhere: xtractr.so finds xtractr-v8.so and xtractr-indexer beside its
# real path (core/library_folder.h), xtractr-v8.so finds a bundled libnode through RUNPATH
# $ORIGIN; nothing refers to the source or build folders. tests/install checks it.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix (/usr: `.load xtractr` then works without a path)" FORCE)
endif()
include(GNUInstallDirs)
set(XTRACTR_INSTALL_LIBDIR ${CMAKE_INSTALL_LIBDIR}/xtractr)

install(TARGETS xtractr xtractr-v8 LIBRARY DESTINATION ${XTRACTR_INSTALL_LIBDIR})
install(TARGETS xtractr-indexer RUNTIME DESTINATION ${XTRACTR_INSTALL_LIBDIR})
# libnode.so.108 is installed beside its one user, xtractr-v8.so (found through RUNPATH $ORIGIN),
# by default: Debian's libnode108 cannot be installed where a newer nodejs package is (its
# dependency node-acorn wants Debian's nodejs), and a .deb depending on it would not install
# there. A private copy works beside any nodejs; the package then depends on what libnode
# itself needs (libicu72, libuv1, ...). OFF uses the system's libnode108 (a dependency of the
# package) — impossible when V8 came from third_party/libnode (no system libnode108 here).
option(XTRACTR_PRIVATE_LIBNODE "Install libnode.so.108 beside xtractr-v8.so (else use the system's libnode108)" ON)
if(XTRACTR_PRIVATE_LIBNODE OR LIBNODE_BUNDLED)
  install(FILES ${LIBNODE_RUNTIME_FILE} DESTINATION ${XTRACTR_INSTALL_LIBDIR} RENAME ${LIBNODE_SONAME})
  set_target_properties(xtractr-v8 PROPERTIES INSTALL_RPATH "$ORIGIN")
endif()

# the link `.load xtractr` finds, made in the build folder and installed as a link
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/install-link)
file(CREATE_LINK xtractr/xtractr.so ${CMAKE_BINARY_DIR}/install-link/xtractr.so SYMBOLIC)
install(FILES ${CMAKE_BINARY_DIR}/install-link/xtractr.so DESTINATION ${CMAKE_INSTALL_LIBDIR})

file(GLOB _xtractr_reports CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/sql/*.sql)
install(FILES ${_xtractr_reports} ${CMAKE_SOURCE_DIR}/sql/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/xtractr/sql)

# the sample captures the README's examples use, with their attribution
install(FILES ${CMAKE_SOURCE_DIR}/examples/wikipedia_browse.pcap ${CMAKE_SOURCE_DIR}/examples/http_get_simple.pcap
              ${CMAKE_SOURCE_DIR}/examples/ATTRIBUTION.md DESTINATION ${CMAKE_INSTALL_DATADIR}/xtractr/examples)
