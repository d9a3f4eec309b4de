# `bilet pin-hash`: the Argon2id string of a PIN on stdin verifies; empty, over-long or
# multi-line PINs exit 2.
add_executable(pin_verify ${CMAKE_CURRENT_SOURCE_DIR}/tools/pin_verify.c)
target_link_libraries(pin_verify PRIVATE bilet_record)
set_target_properties(pin_verify PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
bilet_shell_test(cli_pin_hash cli/pin_hash.sh)
