# The record format (sync/record): known answers of docs/records.md, build/parse, signatures.
bilet_cmocka(test_record SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_record.c LIBS bilet_record)
target_include_directories(test_record PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)

# Regenerates tests/data/record/example-* (run by hand after a deliberate format change).
add_executable(record_example ${CMAKE_CURRENT_SOURCE_DIR}/tools/record_example.c)
target_include_directories(record_example PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/tools)
target_link_libraries(record_example PRIVATE bilet_record)
set_target_properties(record_example PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
