# Sealed exam packages (sync/record/package.c): format, signatures, passphrase, caps; the
# package's files loaded from memory (kiosk/examdir) and the passphrase lockout (kiosk/core).
bilet_cmocka(test_package SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_package.c
  LIBS bilet_record bilet_examdir bilet_core)
