# Unit tests of the kiosk program's own modules that live beside its flow scripts:
# kiosk.ini (kiosk/examdir/kioskini.c), the autosave tables (kiosk/store/store_answers.c)
# and the saver thread (kiosk/app/autosave.c).
bilet_cmocka(test_kioskini
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/test_kioskini.c
  LIBS bilet_examdir bilet_core)
if(TARGET bilet_app)
  bilet_cmocka(test_autosave
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/test_autosave.c
    LIBS bilet_app bilet_store bilet_core)
endif()
