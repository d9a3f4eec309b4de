# The headless script parser (kiosk/app/script.c): one case per rule of the line format.
bilet_cmocka(test_script
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_script.c
  LIBS bilet_script bilet_core)
