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

if(GENERATE_SOURCES)

    find_package(Python3 REQUIRED COMPONENTS Interpreter)

    set(VMMAKER_DIR "${CMAKE_CURRENT_BINARY_DIR}/build/vmmaker")

    # The image is fixed when this build makes it, and can be given otherwise
    if(${GENERATE_VMMAKER})
        set(VMMAKER_IMAGE "${VMMAKER_DIR}/image/VMMaker.image")
    else()
        set(VMMAKER_IMAGE "${VMMAKER_DIR}/image/VMMaker.image" CACHE STRING "Path to the VMMaker image used to generate the C files")
    endif()

    # The VM that runs VMMaker (pharo-vm: the ExternalProject vmmaker_vm downloads a Pharo VM
    # from files.pharo.org into build/vmmaker/vm). Here: build/vmmaker/vm/pharo is a
    # STAND-IN VM, a launcher that runs scripts/vmmaker-standin.py (the STAND-IN for the
    # VMMaker image's code) with the VM's command line.
    set(VMMAKER_STANDIN ${CMAKE_CURRENT_SOURCE_DIR}/scripts/vmmaker-standin.py)
    # --- GENERATE_PHARO_VM (added for the wizard's offline builds; pharo-vm reads it the
    # same way on pharo-10 and pharo-12): a VM given by the user runs VMMaker instead of
    # the one the build fetches, and vmmaker_vm becomes an empty target.
    if(GENERATE_PHARO_VM)
        message("Overriding VM used for code generation")
        set(VMMAKER_VM ${GENERATE_PHARO_VM})
        add_custom_target(vmmaker_vm)
    else()
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
        add_custom_target(vmmaker_vm DEPENDS ${VMMAKER_VM})
    endif()
    # --- end of GENERATE_PHARO_VM

    if(GENERATE_VMMAKER)
        # Bootstrap VMMaker.image: load smalltalksrc into it, once. Like pharo-vm's
        # ExternalProject "vmmaker", this depends on no .st file: a later edit of
        # smalltalksrc is not in the image until build/vmmaker/image and
        # build/vmmaker/src/vmmaker-stamp are deleted.
        # The stamp folder also holds files written at configure time, as ExternalProject's
        # does (vmmaker-cfgcmd.txt): deleting the whole folder makes the next make run cmake.
        set(VMMAKER_STAMP_DIR "${VMMAKER_DIR}/src/vmmaker-stamp")
        set(VMMAKER_STAMP "${VMMAKER_STAMP_DIR}/vmmaker-done")
        configure_file(${CMAKE_CURRENT_SOURCE_DIR}/scripts/vmmaker-cfgcmd.txt.in
            ${VMMAKER_STAMP_DIR}/vmmaker-cfgcmd.txt @ONLY)
        set(VMMAKER_BASE_IMAGE "Pharo12.0-SNAPSHOT-64bit-aa50f9c")
        add_custom_command(
            OUTPUT ${VMMAKER_IMAGE} ${VMMAKER_STAMP}
            COMMAND ${CMAKE_COMMAND} -E make_directory "${VMMAKER_DIR}/image"
            COMMAND ${Python3_EXECUTABLE} ${VMMAKER_STANDIN} --unzip-image "${VMMAKER_DIR}/image/${VMMAKER_BASE_IMAGE}.image"
            COMMAND ${VMMAKER_VM} --headless "${VMMAKER_DIR}/image/${VMMAKER_BASE_IMAGE}.image" --no-default-preferences save VMMaker
            COMMAND ${VMMAKER_VM} --headless ${VMMAKER_IMAGE} --no-default-preferences --save --quit "${CMAKE_CURRENT_SOURCE_DIR}/scripts/installVMMaker.st" "${CMAKE_CURRENT_SOURCE_DIR}" "${ICEBERG_DEFAULT_REMOTE}"
            COMMAND ${CMAKE_COMMAND} -E touch "${VMMAKER_STAMP_DIR}/vmmaker-build"
            COMMAND ${CMAKE_COMMAND} -E touch "${VMMAKER_STAMP}"
            DEPENDS ${VMMAKER_VM}
            VERBATIM
            COMMENT "Building the VMMaker image")
        add_custom_target(vmmaker DEPENDS ${VMMAKER_IMAGE} ${VMMAKER_STAMP} vmmaker_vm)
    else()
        # Use the given image
        add_custom_target(vmmaker DEPENDS ${VMMAKER_IMAGE} vmmaker_vm)
    endif()

    # Generate the VM and the external plugins listed in PharoVMMaker, from the image
    add_custom_command(
        OUTPUT ${VMSOURCEFILES} ${PLUGIN_GENERATED_FILES}
        COMMAND ${VMMAKER_VM} --headless ${VMMAKER_IMAGE} --no-default-preferences perform PharoVMMaker generate:outputDirectory: ${FLAVOUR} ${CMAKE_CURRENT_BINARY_DIR}
        VERBATIM
        DEPENDS vmmaker ${VMMAKER_IMAGE} ${VMMAKER_VM} ${VMMAKER_STANDIN}
        COMMENT "Generating VM files for flavour: ${FLAVOUR}")

    add_custom_target(generate-sources DEPENDS ${VMSOURCEFILES} ${PLUGIN_GENERATED_FILES})

endif()
