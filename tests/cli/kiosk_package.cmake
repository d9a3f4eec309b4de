# The kiosk on a sealed package (tests/kiosk/package.sh, docs/package.md).
if(TARGET bilet-kiosk)
  bilet_shell_test(kiosk_package kiosk/package.sh)
endif()
