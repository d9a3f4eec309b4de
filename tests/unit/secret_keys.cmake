# The shared check of secret key files (keys_secret_file_read_hex, docs/threat-model.md).
bilet_cmocka(test_secret_keys SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_secret_keys.c
  LIBS bilet_record)
