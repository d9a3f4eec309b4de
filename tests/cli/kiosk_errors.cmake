# bilet-kiosk's refusals and exit statuses (tests/kiosk/errors.sh): one ctest test per case.
if(TARGET bilet-kiosk)
  foreach(case help usage unknown_ini_key missing_pin_hash blind_exam_without_code_key
               sealed_package_refused bad_exam data_folder_created_once
               roster_changed_after_opening malformed_script_line unknown_key_name
               unknown_screen_name over_long_script_line expect_screen_fails
               expect_text_fails shot_writes_a_png refused_appends_wait_in_memory
               attempts_number_across_exams records_refused_to_the_end_exit_1)
    bilet_shell_test(kiosk_errors_${case} kiosk/errors.sh)
    set_property(TEST kiosk_errors_${case} APPEND PROPERTY ENVIRONMENT "BILET_CASE=${case}")
  endforeach()
endif()
