include(cmake/plugins.macros.cmake)

# FilePlugin: generated C plus its own platform C under plugins/FilePlugin/
add_vm_plugin(FilePlugin TRUE TRUE)

# Optional upstream plugins, on by default
if(FEATURE_PLUGIN_UUID)
    message(STATUS "UUIDPlugin: nothing to build in the test repository")
endif()

add_vm_plugin(SurfacePlugin TRUE FALSE)
add_vm_plugin(FloatArrayPlugin TRUE FALSE)
add_vm_plugin(LargeIntegers FALSE FALSE)
