# Blind sheet codes against independently computed vectors (sync/record/sheetcode.c).
bilet_cmocka(test_sheetcode SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_sheetcode.c LIBS bilet_record)
