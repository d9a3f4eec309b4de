# The staff web console (tests/web/console.sh): Debian's chromium driven by playwright-core
# (tests/web/package-lock.json, `npm ci` on first run) against a real bilet-central seeded by
# headless kiosks. Skipped (77) without chromium, node or npm. Screenshots of every page go
# to <build>/tests/web-shots/.
if(TARGET bilet-central)
  # The server side alone (cmocka): sessions, passwords, CSRF, static files, exam zips.
  bilet_cmocka(test_console SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/central/test_console.c
    LIBS bilet_central)
endif()
if(TARGET bilet-central AND TARGET bilet-kiosk AND TARGET bilet)
  bilet_shell_test(web_console web/console.sh)
  set_tests_properties(web_console PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 420)
endif()
