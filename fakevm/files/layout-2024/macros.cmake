# Include a library in the project, linking it to the VM core library
macro(addLibraryWithRPATH NAME)

    addIndependentLibraryWithRPATH(${NAME} ${ARGN})

    # The VM executable depends on the library so that building the VM builds it
    add_dependencies(${VM_EXECUTABLE_NAME} ${NAME})

    # Every plugin links the VM core, and so sees its PUBLIC include directories
    if(NOT "${NAME}" STREQUAL "${VM_LIBRARY_NAME}")
        target_link_libraries(${NAME} PRIVATE ${VM_LIBRARY_NAME})
    endif()
endmacro()

# Include a library in the project without linking it to the VM core library
macro(addIndependentLibraryWithRPATH NAME)
    set(CMAKE_BUILD_WITH_INSTALL_RPATH TRUE)
    set(CMAKE_INSTALL_RPATH ${PHARO_LIBRARY_PATH})

    add_library(${NAME} SHARED ${ARGN})
    set_target_properties(${NAME} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${LIBRARY_OUTPUT_DIRECTORY})
    set_target_properties(${NAME} PROPERTIES INSTALL_NAME_DIR ${PHARO_LIBRARY_PATH})
endmacro()
