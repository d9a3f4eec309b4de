# bilet.db (kiosk/store): appending, reading, `bilet init`'s folder, verification.
bilet_cmocka(test_store SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_store.c LIBS bilet_store)
# The test damages databases on purpose, through the store's private header.
target_include_directories(test_store PRIVATE ${PROJECT_SOURCE_DIR}/kiosk/store)
target_link_libraries(test_store PRIVATE PkgConfig::SQLITE)

# store_tool: fills and damages data folders for the CLI tests of `bilet verify`.
add_executable(store_tool ${CMAKE_CURRENT_SOURCE_DIR}/tools/store_tool.c)
target_link_libraries(store_tool PRIVATE bilet_store PkgConfig::SQLITE)
set_target_properties(store_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
