# `cpack -G DEB` (in the build folder): a Debian package of what `cmake --install` installs
# (cmake/XtractrInstall.cmake), under /usr, so `.load xtractr` works without a path.
#
# Usage:  cmake --build build && (cd build && cpack -G DEB)    # build/xtractr_<version>_<arch>.deb
#         apt-get install ./build/xtractr_*.deb                # its dependencies come from Debian
#
# How it works: the package's Depends are what its ELF files need, found by dpkg-shlibdeps
# (libwireshark16, libwiretap13, libxapian30, libsqlite3-0, libzstd1 ... and, for the private
# libnode.so.108, libicu72, libuv1, libc-ares2, libnghttp2-14, libbrotli1, libssl3): nothing
# hand-written to drift from the link. libnode108 itself is not a dependency: its copy is in
# the package (XTRACTR_PRIVATE_LIBNODE), so the package installs beside a newer nodejs, which
# blocks Debian's libnode108. Files are stripped. tests/package/deb_test.sh installs the
# package in a fresh Debian 12 root (debootstrap) and queries a capture there.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME xtractr)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "xtractr developers <xtractr@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "network forensics on packet captures, from SQL (SQLite extension)")
set(CPACK_PACKAGE_DESCRIPTION
    "xtractr is a loadable SQLite extension: pcap and pcapng captures become indexed packets and\n"
    "flows tables with every Wireshark field kept and searchable, JavaScript map/reduce, charts\n"
    "and saved reports. `.load xtractr` in the sqlite3 shell, Python or Node.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "sqlite3")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
include(CPack)
