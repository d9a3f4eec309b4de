# bilet-central: the parts without HTTP (cmocka), then the server driven over HTTP by
# tests/central/*.sh, each against a real bilet-central on 127.0.0.1 — every HTTP test
# twice, once on SQLite and once on PostgreSQL (a throwaway cluster from script/pg, shared
# by the PostgreSQL tests through a ctest fixture; each test makes its own database).
if(TARGET bilet-central)
  pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)

  bilet_cmocka(test_central SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/central/test_central.c
    LIBS bilet_central)

  # post_records: a libcurl client that posts a kiosk folder's records and checks receipts.
  add_executable(post_records ${CMAKE_CURRENT_SOURCE_DIR}/central/post_records.c)
  target_link_libraries(post_records PRIVATE bilet_store bilet_record bilet_core
    PkgConfig::CURL PkgConfig::JANSSON)
  set_target_properties(post_records PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  # http_probe: one request through libcurl, the status code printed (tests need no curl).
  add_executable(http_probe ${CMAKE_CURRENT_SOURCE_DIR}/central/http_probe.c)
  target_link_libraries(http_probe PRIVATE PkgConfig::CURL)
  set_target_properties(http_probe PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)

  set(central_pg_dir ${PROJECT_BINARY_DIR}/tests/central-pg)
  add_test(NAME central_pg_start COMMAND bash ${PROJECT_SOURCE_DIR}/script/pg start ${central_pg_dir})
  set_tests_properties(central_pg_start PROPERTIES FIXTURES_SETUP central_pg TIMEOUT 300)
  add_test(NAME central_pg_stop COMMAND bash ${PROJECT_SOURCE_DIR}/script/pg stop ${central_pg_dir})
  set_tests_properties(central_pg_stop PROPERTIES FIXTURES_CLEANUP central_pg)

  foreach(case records limits crash bundle results instances signin remove_staff revoke_kiosk)
    foreach(backend sqlite pg)
      set(name central_${case}_${backend})
      bilet_shell_test(${name} central/${case}.sh)
      set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
        "BILET_CENTRAL_BACKEND=${backend};BILET_PG_DIR=${central_pg_dir}")
      if(backend STREQUAL "pg")
        set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED central_pg)
      endif()
    endforeach()
  endforeach()
  bilet_shell_test(central_cli central/cli.sh)
  bilet_shell_test(central_tls central/tls.sh)
  set_tests_properties(central_tls PROPERTIES SKIP_RETURN_CODE 77)
endif()
