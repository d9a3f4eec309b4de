# The kiosk's side of sync (docs/sync.md), unit by unit: the push's body and receipt checks
# and the USB bundle (sync/client), the outbox (kiosk/store/store_outbox.c) and the
# background syncer (kiosk/app/syncer.c). Sources live in tests/sync/.
if(TARGET bilet_client)
  bilet_cmocka(test_client
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sync/test_client.c
    LIBS bilet_client bilet_record bilet_core PkgConfig::JANSSON)
  bilet_cmocka(test_bundle
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sync/test_bundle.c
    LIBS bilet_client bilet_record bilet_core PkgConfig::JANSSON)
  bilet_cmocka(test_outbox
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sync/test_outbox.c
    LIBS bilet_store bilet_record bilet_core)
  if(TARGET bilet_app)
    bilet_cmocka(test_syncer
      SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sync/test_syncer.c
      LIBS bilet_app bilet_client bilet_store bilet_core)
  endif()
endif()

# sync_tool: HTTP GET and bundle checks for the sync shell tests (tests/sync/*.sh).
if(TARGET bilet_client)
  add_executable(sync_tool ${CMAKE_CURRENT_SOURCE_DIR}/sync/sync_tool.c)
  target_link_libraries(sync_tool PRIVATE bilet_client bilet_record bilet_core)
  set_target_properties(sync_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
endif()
