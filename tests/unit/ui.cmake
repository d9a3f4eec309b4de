# The kiosk's screens (kiosk/ui): frames, keys, languages, layouts. The test reads the catalogs
# compiled from po/ into the build's locale folder, so it is built after them.
bilet_cmocka(test_ui SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_ui.c LIBS bilet_ui)
target_compile_definitions(test_ui PRIVATE BILET_BUILD_LOCALEDIR="${PROJECT_BINARY_DIR}/locale")
if(TARGET bilet_po)
  add_dependencies(test_ui bilet_po)
endif()

# The catalogs translate every string the screens show, and po/bilet.pot is current.
find_program(XGETTEXT_FOR_TESTS xgettext)
find_program(MSGCMP_FOR_TESTS msgcmp)
if(XGETTEXT_FOR_TESTS AND MSGCMP_FOR_TESTS)
  add_test(NAME po_catalogs_are_complete_and_current
           COMMAND bash ${PROJECT_SOURCE_DIR}/po/check.sh ${PROJECT_SOURCE_DIR})
endif()
