# The kiosk driven through headless scripts (tests/kiosk/FLOW.script, run by
# tests/kiosk/run.sh against a scratch data folder, then checked with `bilet verify` and
# `bilet results`): one ctest test per flow of the keyboard contract, plus the crash test.
if(TARGET bilet-kiosk)
  foreach(flow written oral refusal removal leave pause extra_time second_ticket
               refused_entry closed language sigkill demo demo-oral)
    bilet_shell_test(kiosk_${flow} kiosk/run.sh)
    set_property(TEST kiosk_${flow} APPEND PROPERTY ENVIRONMENT "BILET_FLOW=${flow}")
  endforeach()
endif()
