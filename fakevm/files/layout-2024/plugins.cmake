include(plugins.macros.cmake)

#
# FilePlugin
#
message(STATUS "Adding plugin: FilePlugin")

include_directories(
    ${CMAKE_CURRENT_SOURCE_DIR}/extracted/plugins/FilePlugin/include/common
)

file(GLOB FilePlugin_SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/extracted/plugins/FilePlugin/src/common/*.c
)

addLibraryWithRPATH(FilePlugin
    ${FilePlugin_SOURCES}
    ${PHARO_CURRENT_GENERATED}/plugins/src/FilePlugin/FilePlugin.c)

#
# Surface Plugin
#

add_vm_plugin(SurfacePlugin 
	${PHARO_CURRENT_GENERATED}/plugins/src/SurfacePlugin/SurfacePlugin.c)

#
# FloatArray Plugin
#

add_vm_plugin(FloatArrayPlugin 
	${PHARO_CURRENT_GENERATED}/plugins/src/FloatArrayPlugin/FloatArrayPlugin.c)

#
# LargeIntegers Plugin
#

add_vm_plugin(LargeIntegers)
