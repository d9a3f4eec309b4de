# A commission exam graded at the central store, votes to protocol
# (tests/central/commission.sh), on SQLite and PostgreSQL.
if(TARGET bilet-central AND TARGET bilet)
  foreach(backend sqlite pg)
    set(name central_commission_${backend})
    bilet_shell_test(${name} central/commission.sh)
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
      "BILET_CENTRAL_BACKEND=${backend};BILET_PG_DIR=${PROJECT_BINARY_DIR}/tests/central-pg")
    if(backend STREQUAL "pg")
      set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED central_pg)
    endif()
  endforeach()
endif()
