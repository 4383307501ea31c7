# VMMaker support file
#
# Turns the Smalltalk sources into C. Defines:
#
#     PHARO_CURRENT_GENERATED - where the generated C of this word size goes
#     VMSOURCEFILES           - the generated VM files
#     PLUGIN_GENERATED_FILES  - the generated plugin files
#
# and the targets vmmaker and generate-sources.
#
# In pharo-vm, VMMaker runs inside a Pharo image that the build downloads and bootstraps
# once. This repository's build runs stand-ins in their place, with the command lines of
# the Pharo VM: build/vmmaker/vm/pharo (the VM) runs scripts/vmmaker-standin.py (VMMaker).

if(${SIZEOF_VOID_P} STREQUAL "8")
    set(PHARO_CURRENT_GENERATED ${GENERATED_SOURCE_DIR}/generated/64)
else()
    set(PHARO_CURRENT_GENERATED ${GENERATED_SOURCE_DIR}/generated/32)
endif()

# The interpreter of a StackVM; a CoInterpreter adds the JIT
if(FLAVOUR MATCHES "StackVM")
    if(${FEATURE_COMPILE_GNUISATION})
        set(VMSOURCEFILES ${PHARO_CURRENT_GENERATED}/vm/src/gcc3x-interp.c)
    else()
        set(VMSOURCEFILES ${PHARO_CURRENT_GENERATED}/vm/src/interp.c)
    endif()
else()
    list(APPEND VMSOURCEFILES ${PHARO_CURRENT_GENERATED}/vm/src/cogit.c)
    if(${FEATURE_COMPILE_GNUISATION})
        list(APPEND VMSOURCEFILES ${PHARO_CURRENT_GENERATED}/vm/src/gcc3x-cointerp.c)
    else()
        list(APPEND VMSOURCEFILES ${PHARO_CURRENT_GENERATED}/vm/src/cointerp.c)
    endif()
endif()

set(PLUGIN_GENERATED_FILES 
    ${PHARO_CURRENT_GENERATED}/plugins/src/FilePlugin/FilePlugin.c
    ${PHARO_CURRENT_GENERATED}/plugins/src/SurfacePlugin/SurfacePlugin.c
    ${PHARO_CURRENT_GENERATED}/plugins/src/FloatArrayPlugin/FloatArrayPlugin.c)

# As in pharo-9, every build prints its full command lines
set(CMAKE_VERBOSE_MAKEFILE TRUE)

if(GENERATE_SOURCES)

    find_package(Python3 REQUIRED COMPONENTS Interpreter)

    set(VMMAKER_DIR "${CMAKE_CURRENT_BINARY_DIR}/build/vmmaker")
    set(VMMAKER_IMAGE "${VMMAKER_DIR}/image/VMMaker.image")

    # The VM that runs VMMaker (pharo-vm: the ExternalProject build_vmmaker_get_vm downloads a Pharo VM
    # from files.pharo.org into build/vmmaker/vm). Here: build/vmmaker/vm/pharo is a
    # STAND-IN VM, a launcher that runs scripts/vmmaker-standin.py (the STAND-IN for the
    # VMMaker image's code) with the VM's command line.
    set(VMMAKER_STANDIN ${CMAKE_CURRENT_SOURCE_DIR}/scripts/vmmaker-standin.py)
    set(VMMAKER_VM "${VMMAKER_DIR}/vm/pharo")
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/scripts/vmmaker-vm-standin.in
        ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/vmmaker-vm-standin/pharo
        @ONLY
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
    add_custom_command(
        OUTPUT ${VMMAKER_VM}
        COMMAND ${CMAKE_COMMAND} -E make_directory "${VMMAKER_DIR}/vm"
        COMMAND ${CMAKE_COMMAND} -E copy "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/vmmaker-vm-standin/pharo" "${VMMAKER_VM}"
        VERBATIM
        COMMENT "Getting the VM that runs VMMaker (a stand-in)")
    add_custom_target(build_vmmaker_get_vm DEPENDS ${VMMAKER_VM})

    # Bootstrap VMMaker.image: load smalltalksrc into it, once. Like pharo-vm's
    # ExternalProject "build_vmmaker_get_image", this depends on no .st file: a later edit
    # of smalltalksrc is not in the image until build/vmmaker/image and
    # build/vmmaker/src/build_vmmaker_get_image-stamp are deleted.
    set(VMMAKER_STAMP_DIR "${VMMAKER_DIR}/src/build_vmmaker_get_image-stamp")
    set(VMMAKER_STAMP "${VMMAKER_STAMP_DIR}/build_vmmaker_get_image-done")
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/scripts/vmmaker-cfgcmd.txt.in
        ${VMMAKER_STAMP_DIR}/build_vmmaker_get_image-cfgcmd.txt @ONLY)
    set(VMMAKER_BASE_IMAGE "Pharo10.0.1-0-64bit-0542643")
    add_custom_command(
        OUTPUT ${VMMAKER_IMAGE} ${VMMAKER_STAMP}
        COMMAND ${CMAKE_COMMAND} -E make_directory "${VMMAKER_DIR}/image"
        COMMAND ${Python3_EXECUTABLE} ${VMMAKER_STANDIN} --unzip-image "${VMMAKER_DIR}/image/${VMMAKER_BASE_IMAGE}.image"
        COMMAND ${VMMAKER_VM} --headless "${VMMAKER_DIR}/image/${VMMAKER_BASE_IMAGE}.image" --no-default-preferences save VMMaker
        COMMAND ${VMMAKER_VM} --headless ${VMMAKER_IMAGE} --no-default-preferences --save --quit "${CMAKE_CURRENT_SOURCE_DIR}/scripts/installVMMaker.st" "${CMAKE_CURRENT_SOURCE_DIR}" "${ICEBERG_DEFAULT_REMOTE}"
        COMMAND ${CMAKE_COMMAND} -E touch "${VMMAKER_STAMP_DIR}/build_vmmaker_get_image-build"
        COMMAND ${CMAKE_COMMAND} -E touch "${VMMAKER_STAMP}"
        DEPENDS ${VMMAKER_VM}
        VERBATIM
        COMMENT "Building the VMMaker image")
    add_custom_target(build_vmmaker_get_image DEPENDS ${VMMAKER_IMAGE} ${VMMAKER_STAMP} build_vmmaker_get_vm)

    # Generate the VM and the external plugins listed in PharoVMMaker, from the image.
    # It depends on the image target only: a newer image does not regenerate existing files.
    add_custom_command(
        OUTPUT ${VMSOURCEFILES} ${PLUGIN_GENERATED_FILES}
        COMMAND ${VMMAKER_VM} --headless ${VMMAKER_IMAGE} --no-default-preferences eval "PharoVMMaker generate: #'${FLAVOUR}' outputDirectory: '${CMAKE_CURRENT_BINARY_DIR}'"
        VERBATIM
        DEPENDS build_vmmaker_get_image
        COMMENT "Generating VM files for flavour: ${FLAVOUR}")

    add_custom_target(vmmaker DEPENDS build_vmmaker_get_image)
    add_custom_target(generate-sources DEPENDS ${VMSOURCEFILES} ${PLUGIN_GENERATED_FILES})

endif()
