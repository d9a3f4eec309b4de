# session_tool: a short session through the real machine into a data folder (tests of results).
add_executable(session_tool ${CMAKE_CURRENT_SOURCE_DIR}/tools/session_tool.c)
target_link_libraries(session_tool PRIVATE bilet_store bilet_examdir bilet_record bilet_core)
set_target_properties(session_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
bilet_shell_test(cli_results cli/results.sh)
