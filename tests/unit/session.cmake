bilet_cmocka(test_session SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_session.c LIBS bilet_core)
bilet_cmocka(test_grade SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_grade.c LIBS bilet_core)
