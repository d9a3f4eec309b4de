# Randomness, key files, keypairs and PIN hashes (sync/record/keys.c).
bilet_cmocka(test_keys SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_keys.c LIBS bilet_record)
