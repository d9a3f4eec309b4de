# Blind grading at bilet-central (tests/central/grading.sh): add-exam, a headless kiosk
# session synced, a scanned page uploaded, grades, corrections, the lock and the statement
# over HTTP — once on SQLite and once on PostgreSQL (the central_pg fixture of
# tests/cli/central.cmake).
if(TARGET bilet-central AND TARGET bilet-kiosk AND TARGET bilet)
  foreach(backend sqlite pg)
    set(name central_grading_${backend})
    bilet_shell_test(${name} central/grading.sh)
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
      "BILET_CENTRAL_BACKEND=${backend};BILET_PG_DIR=${PROJECT_BINARY_DIR}/tests/central-pg")
    if(backend STREQUAL "pg")
      set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED central_pg)
    endif()
  endforeach()
endif()
