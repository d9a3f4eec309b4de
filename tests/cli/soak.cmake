# Reliability (docs/reliability.md): the kiosk killed with SIGKILL at random moments of
# scripted exams (tests/soak/crash_soak.sh), records synced through a proxy that drops,
# delays, cuts and duplicates requests while the central restarts (tests/soak/netfault.sh,
# SQLite and PostgreSQL), and the kiosk's storage faults: disk full, a read-only or
# truncated database (tests/soak/storage.sh). BILET_LONG=1 at run time makes the soaks long.

# faultproxy: the fault-injecting TCP proxy of the network test (plain sockets and poll).
add_executable(faultproxy ${CMAKE_CURRENT_SOURCE_DIR}/tools/faultproxy.c)
set_target_properties(faultproxy PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)

if(TARGET bilet-kiosk)
  bilet_shell_test(soak_crash soak/crash_soak.sh)
  set_tests_properties(soak_crash PROPERTIES TIMEOUT 3600)
endif()

if(TARGET bilet-central AND TARGET bilet)
  foreach(backend sqlite pg)
    set(name soak_netfault_${backend})
    bilet_shell_test(${name} soak/netfault.sh)
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
      "BILET_CENTRAL_BACKEND=${backend};BILET_PG_DIR=${PROJECT_BINARY_DIR}/tests/central-pg")
    set_tests_properties(${name} PROPERTIES TIMEOUT 3600)
    if(backend STREQUAL "pg")
      set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED central_pg)
    endif()
  endforeach()
endif()

if(TARGET bilet-kiosk AND TARGET bilet)
  foreach(case disk_full read_only truncated)
    bilet_shell_test(soak_storage_${case} soak/storage.sh)
    set_property(TEST soak_storage_${case} APPEND PROPERTY ENVIRONMENT "BILET_CASE=${case}")
    set_tests_properties(soak_storage_${case} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()
endif()
