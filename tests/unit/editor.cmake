bilet_cmocka(test_editor SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_editor.c LIBS bilet_ui)
