# What make install puts where: B/build/dist, with the VM launcher at the top and every
# library (and the VM binary itself) in dist/lib.
#
# The prefix is a normal variable, so -DCMAKE_INSTALL_PREFIX at configure time has no effect;
# cmake --install B --prefix X still works.
set(CMAKE_INSTALL_PREFIX "${CMAKE_CURRENT_BINARY_DIR}/build/dist")

install(
    DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/build/vm/"
    DESTINATION "lib"
    USE_SOURCE_PERMISSIONS
    COMPONENT bin)

install(
    PROGRAMS "${CMAKE_CURRENT_SOURCE_DIR}/packaging/linux/pharo"
    DESTINATION "."
    COMPONENT bin)

install(
    PROGRAMS "${CMAKE_CURRENT_SOURCE_DIR}/packaging/linux/pharo"
    DESTINATION "bin"
    COMPONENT bin)

install(
    FILES "${VM_INCLUDE_DIR}/sqVirtualMachine.h"
    DESTINATION "include/pharovm"
    COMPONENT include)
