# add_vm_plugin(NAME GENERATED MACOS_AS_UNIX) -- the 2025 layout: exactly three arguments.
#
# The library NAME is made of the C files under plugins/NAME/src/common and the platform's
# folder (src/unix on Linux and the BSDs; src/osx on macOS, plus src/unix when MACOS_AS_UNIX;
# src/win on Windows) and, when GENERATED is true, the C that VMMaker writes for it. The
# headers under plugins/NAME/include/ are given to this target only.
macro(add_vm_plugin NAME GENERATED MACOS_AS_UNIX)
    message(STATUS "Adding plugin ${NAME} including generated code ${GENERATED}")

    set(${NAME}_PLUGIN_DIR ${CMAKE_CURRENT_SOURCE_DIR}/plugins/${NAME})
    if(APPLE)
        set(${NAME}_PLATFORMS common osx)
        if(${MACOS_AS_UNIX})
            list(APPEND ${NAME}_PLATFORMS unix)
        endif()
    elseif(UNIX)
        set(${NAME}_PLATFORMS common unix)
    else()
        set(${NAME}_PLATFORMS common win)
    endif()

    set(${NAME}_SOURCES)
    foreach(PLATFORM ${${NAME}_PLATFORMS})
        file(GLOB ${NAME}_FOUND ${${NAME}_PLUGIN_DIR}/src/${PLATFORM}/*.c)
        list(APPEND ${NAME}_SOURCES ${${NAME}_FOUND})
    endforeach()
    if(${GENERATED})
        list(APPEND ${NAME}_SOURCES "${PHARO_CURRENT_GENERATED}/plugins/src/${NAME}/${NAME}.c")
    endif()

    addLibraryWithRPATH(${NAME} ${${NAME}_SOURCES})

    foreach(PLATFORM ${${NAME}_PLATFORMS})
        target_include_directories(${NAME} PUBLIC ${${NAME}_PLUGIN_DIR}/include/${PLATFORM})
    endforeach()
endmacro()
