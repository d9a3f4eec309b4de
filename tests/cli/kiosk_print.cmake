# The kiosk's answer sheets (tests/kiosk/print.sh): saved without a printer, a queue that
# does not exist, and a real private cupsd with a file: queue (root only: skipped else).
if(TARGET bilet-kiosk)
  foreach(case saved no_queue cups)
    bilet_shell_test(kiosk_print_${case} kiosk/print.sh)
    set_property(TEST kiosk_print_${case} APPEND PROPERTY ENVIRONMENT "BILET_CASE=${case}")
  endforeach()
  set_tests_properties(kiosk_print_cups PROPERTIES SKIP_RETURN_CODE 77)
endif()
